// Structure lint for notebooks/ (docs/tslab.md, "Notebook structure"): checks structure, not bytes.
// - names match NN-kebab-topic.ipynb; no copies or checkpoints;
// - the kernelspec is tslab;
// - cell 1 is the setup cell (imports from "./lib", calls setupNotebook), cell 2 the config cell (nb.config);
// - no function or class definitions in cells; one idea per code cell: at most MAX_LINES lines (the setup
//   cell, which may split a long import, MAX_SETUP_LINES), each at most MAX_LINE_CHARS characters;
// - no index arithmetic (`x[i * 15147]`, `.subarray(i * n, ...)`, `rows[i + 1]`) and no unpacking of results
//   into new objects (`.map((r) => ({ ... }))`): lib/ hands out what a cell needs (`subset.image(i)`,
//   `plots.x(result)`, `nb.table(rows, { columns })`);
// - every markdown heading "Figure N" is followed by a code cell with an image/svg+xml or image/png output
//   (when --require-outputs is given, i.e. after execution);
// - no error outputs;
// - every cell has an id, unique in its notebook (nbformat 4.5 requires them; nbclient warns without).
// Usage: node scripts/check-notebooks.mjs [--require-outputs] [--dir <folder of notebooks>]
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dirArg = process.argv.indexOf("--dir");
const dir = dirArg > 0 ? path.resolve(process.argv[dirArg + 1]) : path.join(root, "notebooks");
const requireOutputs = process.argv.includes("--require-outputs");
const MAX_LINES = 2;
const MAX_SETUP_LINES = 4;
const MAX_LINE_CHARS = 120;
/** Patterns of index arithmetic and of results unpacked by hand, with what to do instead. */
const FORBIDDEN = [
  [/\[[^\]\n]*\w\s*\*\s*\w[^\]\n]*\]/, "index arithmetic in brackets (let lib/ hand out the element, e.g. subset.image(i))"],
  [/\.(subarray|slice)\([^)\n]*\*[^)\n]*\)/, "index arithmetic in subarray/slice (let lib/ hand out the element, e.g. subset.image(i))"],
  [/\[[^\]\n]*\w\s*[+-]\s*\d+\s*\]/, "offset indexing such as x[i + 1] (let lib/ hand out the element)"],
  [/=>\s*\(\{/, "results unpacked into new objects (pass the result to plots.* or nb.table(rows, { columns }))"],
];
const problems = [];
const src = (c) => (Array.isArray(c.source) ? c.source.join("") : c.source);

const files = fs.readdirSync(dir).filter((f) => f.endsWith(".ipynb"));
for (const f of files) {
  const where = `notebooks/${f}`;
  if (!/^\d\d-[a-z0-9-]+\.ipynb$/.test(f)) problems.push(`${where}: name must match NN-kebab-topic.ipynb`);
  if (/copy|checkpoint/i.test(f)) problems.push(`${where}: copies and checkpoints are not committed`);
  const nb = JSON.parse(fs.readFileSync(path.join(dir, f), "utf8"));
  if (nb.metadata?.kernelspec?.name !== "tslab") problems.push(`${where}: kernelspec must be tslab`);
  const code = nb.cells.filter((c) => c.cell_type === "code");
  if (code.length < 2) {
    problems.push(`${where}: needs at least a setup and a config cell`);
    continue;
  }
  if (!/from\s+"\.\/lib(\/index)?"/.test(src(code[0])) || !/setupNotebook\(/.test(src(code[0]))) {
    problems.push(`${where}: the first code cell must import from "./lib/index" and call setupNotebook()`);
  }
  if (!/\.config\(|studySettings\(/.test(src(code[1]))) problems.push(`${where}: the second code cell must be the config cell (studySettings(nb) or nb.config(...))`);
  const ids = new Set();
  nb.cells.forEach((c, i) => {
    if (typeof c.id !== "string" || !/^[a-zA-Z0-9_-]{1,64}$/.test(c.id)) problems.push(`${where} cell ${i + 1}: needs an id of 1-64 letters, digits, - or _ (nbformat 4.5)`);
    else if (ids.has(c.id)) problems.push(`${where} cell ${i + 1}: id "${c.id}" is used twice`);
    ids.add(c.id);
  });
  nb.cells.forEach((c, i) => {
    if (c.cell_type !== "code") return;
    const s = src(c);
    // declarations only: a function or class statement, or an arrow function with a block body that returns
    if (/^\s*(export\s+)?(async\s+)?function\b|(^|[=(,]\s*)(async\s+)?function\s*\*?\s*\w*\s*\(|^\s*(export\s+)?class\s+\w+|=>\s*\{[^}]*\breturn\b/m.test(s)) {
      problems.push(`${where} cell ${i + 1}: no function or class definitions in notebooks (move them to lib/)`);
    }
    const lines = s.split("\n").filter((l) => l.trim() !== "");
    const maxLines = c === code[0] ? MAX_SETUP_LINES : MAX_LINES;
    if (lines.length > maxLines) problems.push(`${where} cell ${i + 1}: ${lines.length} lines (at most ${maxLines}: one idea per cell)`);
    lines.forEach((l, k) => {
      if (l.length > MAX_LINE_CHARS) problems.push(`${where} cell ${i + 1} line ${k + 1}: ${l.length} characters (at most ${MAX_LINE_CHARS}; JupyterLab cuts longer lines)`);
    });
    for (const [pattern, what] of FORBIDDEN) {
      const m = pattern.exec(s);
      if (m) problems.push(`${where} cell ${i + 1}: ${what}: ${JSON.stringify(m[0])}`);
    }
    for (const o of c.outputs ?? []) {
      if (o.output_type === "error") problems.push(`${where} cell ${i + 1}: has an error output (${o.ename}: ${o.evalue})`);
    }
  });
  nb.cells.forEach((c, i) => {
    if (c.cell_type !== "markdown" || !/^#+\s*Figure\s+\S+/m.test(src(c))) return;
    const next = nb.cells.slice(i + 1).find((x) => x.cell_type === "code");
    if (!next) {
      problems.push(`${where} cell ${i + 1}: figure heading without a code cell`);
      return;
    }
    if (requireOutputs) {
      const hasImage = (next.outputs ?? []).some((o) => o.data && (o.data["image/svg+xml"] || o.data["image/png"]));
      if (!hasImage) problems.push(`${where} cell ${i + 1}: "${src(c).split("\n")[0].trim()}" has no static image output`);
    }
  });
}
if (files.length === 0) problems.push("notebooks/: no notebooks found");
if (problems.length) {
  console.error(problems.join("\n"));
  console.error(`${problems.length} notebook problem(s)`);
  process.exit(1);
}
console.log(`${files.length} notebook(s) pass the structure checks${requireOutputs ? " (with outputs)" : ""}`);
