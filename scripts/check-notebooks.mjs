// Structure lint for notebooks/ (docs/tslab.md, "Notebook structure"): checks structure, not bytes.
// - names match NN-kebab-topic.ipynb; no copies or checkpoints;
// - the kernelspec is tslab;
// - cell 1 is the setup cell (imports from "./lib", calls setupNotebook), cell 2 the config cell (nb.config);
// - no function or class definitions in cells; code cells at most MAX_LINES lines;
// - every markdown heading "Figure N" is followed by a code cell with an image/svg+xml or image/png output
//   (when --require-outputs is given, i.e. after execution);
// - no error outputs;
// - every cell has an id, unique in its notebook (nbformat 4.5 requires them; nbclient warns without).
// Usage: node scripts/check-notebooks.mjs [--require-outputs]
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dir = path.join(root, "notebooks");
const requireOutputs = process.argv.includes("--require-outputs");
const MAX_LINES = 14;
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
  if (!/\.config\(/.test(src(code[1]))) problems.push(`${where}: the second code cell must be the config cell (nb.config(...))`);
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
    const lines = s.split("\n").filter((l) => l.trim() !== "").length;
    if (lines > MAX_LINES) problems.push(`${where} cell ${i + 1}: ${lines} lines (at most ${MAX_LINES}: one idea per cell)`);
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
