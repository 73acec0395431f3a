/**
 * Every file a comment (or any text) in lib/, test/, bench/ and scripts/ points at is in the repository, and
 * so is every section it cites: `docs/shap-reference.md A.3`, `docs/paper-pipeline.md section 4`,
 * `docs/tfjs-training.md, "Threads"`. Documents outside the repository (a STYLE.md, spec/*.md, the reference
 * folder beside the clone) may not be cited; only the test plumbing that reads the real recordings and the
 * script that copies the golden fixtures may name that folder. Links in the Markdown files must resolve too.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";

const ROOT = path.resolve(__dirname, "..");
const SCANNED = ["lib", "test", "bench", "scripts"];
const SOURCE = /\.(ts|mjs|cjs|js|py)$/;
/** This file: its examples of bad references are on purpose. */
const SELF = "test/doc-references.test.ts";
/** Files that may name the reference folder beside the clone, and why. */
const MAY_NAME_REFERENCE_FOLDER: Readonly<Record<string, string>> = {
  "test/helpers/golden.ts": "finds the real recordings there",
  "test/helpers/golden.test.ts": "checks the committed windows against those recordings",
  "scripts/copy-golden-fixtures.ts": "copies the golden fixtures from there",
};

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== "node_modules" && p !== path.join(ROOT, "test", "golden")) out.push(...walk(p));
    } else out.push(p);
  }
  return out;
}

/** The headings of a Markdown file, without the leading #s. */
const headingCache = new Map<string, string[]>();
function headingsOf(file: string): string[] {
  let h = headingCache.get(file);
  if (!h) {
    h = fs.readFileSync(file, "utf8").split("\n").filter((l) => /^#{1,6} /.test(l)).map((l) => l.replace(/^#+ /, "").trim());
    headingCache.set(file, h);
  }
  return h;
}

/** Whether `doc` has a section `id` ("A.3", "C", "4", "4.1"): a heading starting "<id> " or "<id>. ". */
function hasSection(doc: string, id: string): boolean {
  return headingsOf(doc).some((h) => h.startsWith(`${id} `) || h.startsWith(`${id}. `));
}

const ID = String.raw`(?:[A-Z](?:\.\d+)?|\d+(?:\.\d+)?)`;
const ID_LIST = new RegExp(String.raw`^(?:,\s*)?(?:(§|sections?\s+|parts?\s+)\s*)?(${ID}(?:\s*(?:,\s*|and\s+|-|–)\s*§?${ID})*)(?![\w.])`);
/** A section cited by name: `, "Making wasm train"`. */
const QUOTED = /^,\s*"([A-Z][^"\n]{0,60})"/;
/** A string literal on one line. */
const STRING_LITERAL = /"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/g;

/** `text` with the string literals of its code lines blanked: a file name in code is data, not a citation. */
function withoutCodeStrings(text: string): string {
  return text
    .split("\n")
    .map((line) => (/^\s*(\*|\/\/|\/\*|#)/.test(line) ? line : line.replace(STRING_LITERAL, '""')))
    .join("\n");
}

/**
 * Problems with the references in `text` (the contents of `rel`, a repository-relative path): files that do
 * not exist, documents outside the repository, sections a document does not have.
 */
export function referenceProblems(text: string, rel: string, options: { markdown?: boolean } = {}): string[] {
  const root = ROOT;
  const problems: string[] = [];
  const source = options.markdown ? text : withoutCodeStrings(text);
  // One line per comment continuation: "docs/x.md\n * A.1" reads as "docs/x.md A.1".
  const flat = source.replace(/\n\s*(?:\*(?!\/)|\/\/|#)?\s*/g, " ");
  if (/(^|[^\w])STYLE\.md/.test(flat)) problems.push(`${rel}: cites STYLE.md, which is not in the repository (docs/design.md, docs/tslab.md)`);
  for (const m of flat.matchAll(/(?<![\w/.])(?:\.\.\/)?(?:shared\/)?spec\/[\w.-]+/g)) problems.push(`${rel}: cites ${m[0]}, which is not in the repository (see docs/)`);
  if (/\.\.\/shared\b/.test(flat) && !(rel in MAY_NAME_REFERENCE_FOLDER)) problems.push(`${rel}: names ../shared, the reference folder outside the repository`);
  for (const m of flat.matchAll(/(?<![\w/.:-])((?:\.\.?\/)*(?:[\w-]+\/)*[\w-]+\.md)\b/g)) {
    const ref = m[1];
    if (/(^|\/)(STYLE\.md|spec\/)/.test(ref)) continue; // reported above
    const candidates = [path.resolve(root, path.dirname(rel), ref), path.resolve(root, ref), path.resolve(root, "docs", ref)];
    const doc = candidates.find((c) => fs.existsSync(c) && c.startsWith(root + path.sep));
    if (!doc) {
      problems.push(`${rel}: cites ${ref}, which is not in the repository`);
      continue;
    }
    const after = flat.slice((m.index ?? 0) + m[0].length);
    const before = flat.slice(Math.max(0, (m.index ?? 0) - 20), m.index);
    const quoted = QUOTED.exec(after);
    if (quoted) {
      if (!headingsOf(doc).some((h) => h.includes(quoted[1]))) problems.push(`${rel}: cites section "${quoted[1]}" of ${ref}, which has no such heading`);
      continue;
    }
    const ids: string[] = [];
    const list = ID_LIST.exec(after.replace(/^\s+/, (s) => (s.includes(",") ? s : " ")).replace(/^ /, ""));
    // A bare number after the file name is only a section when introduced as one (§, "section").
    if (list && (list[1] || /[A-Z]/.test(list[2][0]))) ids.push(...list[2].split(/\s*(?:,|and|-|–)\s*/).map((s) => s.replace(/^§/, "")).filter(Boolean));
    const pre = /(?:§|sections?\s+)(\d+)\s+of\s*$/.exec(before);
    if (pre) ids.push(pre[1]);
    for (const id of ids) if (!hasSection(doc, id)) problems.push(`${rel}: cites section ${id} of ${ref}, which has no such heading`);
  }
  return problems;
}

test("the checker finds missing files, outside documents and missing sections, and accepts good references", () => {
  const bad = [
    "// see STYLE.md section 3",
    "/** spec/paper-pipeline.md section 1 */",
    "// ../shared/spec/shap-reference.md A.1",
    "// read ../shared/data for this",
    "// docs/no-such-doc.md",
    "// docs/shap-reference.md Z.9",
    "// docs/paper-pipeline.md section 9",
    '// docs/tfjs-training.md, "No such part"',
    "/** docs/shap-reference.md A.1,\n * A.99) */",
    "// section 8 of docs/paper-pipeline.md",
    "// docs/shap-reference.md G): no part G",
  ];
  for (const line of bad) assert.ok(referenceProblems(line, "lib/x.ts").length >= 1, line);
  const good = [
    "// docs/shap-reference.md A.1, A.2, A.5",
    "// docs/shap-reference.md C.1-C.3, C.6",
    "// docs/shap-reference.md §D.2 99.9th percentile, §D.3 5th/95th",
    "// docs/paper-pipeline.md sections 1 and 6",
    "// docs/paper-pipeline.md §1 and §4: P at 5 s",
    "// section 3 of docs/paper-pipeline.md",
    '// docs/tfjs-training.md, "Making wasm train"',
    "/** docs/shap-reference.md\n * H.1) */",
    "// docs/shap-reference.md C): TreeSHAP",
    "// docs/tfjs-training.md, 17x slower",
    "// README.md and data/README.md",
    "// `shap/explainers/_tree.py` and shap/cext/tree_shap.h",
  ];
  for (const line of good) assert.deepEqual(referenceProblems(line, "lib/x.ts"), [], line);
  assert.deepEqual(referenceProblems("// real recordings in ../shared/data", "test/helpers/golden.ts"), []);
});

test("lib/, test/, bench/ and scripts/ cite only files and sections that are in the repository", () => {
  const problems: string[] = [];
  let files = 0;
  for (const dir of SCANNED) {
    for (const file of walk(path.join(ROOT, dir))) {
      const rel = path.relative(ROOT, file).split(path.sep).join("/");
      if (!SOURCE.test(file) || rel === SELF) continue;
      files++;
      problems.push(...referenceProblems(fs.readFileSync(file, "utf8"), rel));
    }
  }
  assert.ok(files > 200, `only ${files} files scanned`);
  assert.deepEqual(problems, []);
});

test("links in the Markdown files resolve to files in the repository", () => {
  const docs = ["README.md", "data/README.md", "test/golden/README.md", ...fs.readdirSync(path.join(ROOT, "docs")).map((f) => `docs/${f}`)];
  const problems: string[] = [];
  for (const rel of docs) {
    const text = fs.readFileSync(path.join(ROOT, rel), "utf8");
    for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1].split("#")[0];
      if (/^[a-z]+:/.test(target) || target === "") continue;
      if (!fs.existsSync(path.resolve(ROOT, path.dirname(rel), target))) problems.push(`${rel}: link to ${m[1]} does not resolve`);
    }
    problems.push(...referenceProblems(text.replace(/\]\([^)]*\)/g, "]"), rel, { markdown: true }).filter((p) => !/names \.\.\/shared/.test(p) || rel !== "test/golden/README.md"));
  }
  assert.deepEqual(problems, []);
});
