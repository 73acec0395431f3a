// Removes the volatile parts of the notebooks (docs/tslab.md, "Clean notebooks"; in the spirit of nbdev's clean):
// execution counts, the timing and view state editors put in cell metadata, transient display ids, and notebook
// metadata other than the kernel and language, and the interactive (script) parts of figures. Outputs stay: reviewers read them on GitHub.
// `npm run reproduce` runs it after executing the notebooks; run it yourself before committing a notebook you
// edited in Jupyter.
// Usage: node scripts/clean-notebooks.mjs [--check] [notebook ...]   (default: every notebooks/NN-*.ipynb)
//   --check  changes nothing; lists the notebooks that are not clean and exits 1 if there are any
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const check = args.includes("--check");
const named = args.filter((a) => a !== "--check");
const dir = path.join(root, "notebooks");
const files = named.length > 0 ? named.map((f) => path.resolve(f)) : fs.readdirSync(dir).filter((f) => /^\d\d-.*\.ipynb$/.test(f)).sort().map((f) => path.join(dir, f));

/** Cell metadata written by editors and executors that says nothing about the notebook's content. */
const VOLATILE_CELL_METADATA = ["execution", "ExecuteTime", "collapsed", "scrolled", "jupyter", "editable", "deletable", "trusted"];
/** Key of the project's entry in an output's metadata (OUTPUT_METADATA_KEY in lib/notebook/show.ts). */
const OUTPUT_KEY = "seismic-xai";
/** Notebook metadata worth keeping. */
const KEPT_NOTEBOOK_METADATA = ["kernelspec", "language_info"];

/** The clean form of a parsed notebook (a new object; the input is not modified). */
export function cleanNotebook(nb) {
  const out = structuredClone(nb);
  const metadata = {};
  for (const key of KEPT_NOTEBOOK_METADATA) if (out.metadata && key in out.metadata) metadata[key] = out.metadata[key];
  out.metadata = metadata;
  for (const cell of out.cells) {
    if (cell.metadata) for (const key of VOLATILE_CELL_METADATA) delete cell.metadata[key];
    if (cell.cell_type !== "code") continue;
    cell.execution_count = null;
    // Interactive parts of a live session's outputs (lib/notebook/show.ts, setup.ts) go: a committed notebook
    // is untrusted where it is opened, so their scripts could not run, and JupyterLab would pick the sanitised
    // HTML (blank: data: images are stripped) over the figure's static PNG.
    cell.outputs = (cell.outputs ?? []).filter((o) => !o.metadata?.[OUTPUT_KEY]?.plotly);
    for (const output of cell.outputs) {
      if ("execution_count" in output) output.execution_count = null;
      delete output.transient;
      if (output.metadata?.[OUTPUT_KEY]?.figure && output.data) delete output.data["text/html"];
    }
  }
  return out;
}

/** The notebook file format of the project's runner: JSON indented by one space, with a final newline. */
export function formatNotebook(nb) {
  return JSON.stringify(nb, null, 1) + "\n";
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dirty = [];
  for (const file of files) {
    let text;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch (e) {
      console.error(`${file}: cannot be read (${e.message})`);
      process.exit(1);
    }
    let nb;
    try {
      nb = JSON.parse(text);
    } catch (e) {
      console.error(`${file}: is not JSON (${e.message})`);
      process.exit(1);
    }
    if (!Array.isArray(nb.cells)) {
      console.error(`${file}: has no cells array; not a notebook`);
      process.exit(1);
    }
    const clean = formatNotebook(cleanNotebook(nb));
    if (clean === text) continue;
    dirty.push(path.relative(root, file));
    if (!check) {
      const temp = `${file}.tmp-${process.pid}`;
      fs.writeFileSync(temp, clean);
      fs.renameSync(temp, file);
    }
  }
  if (check) {
    if (dirty.length > 0) {
      console.error(`not clean (run npm run nb:clean): ${dirty.join(", ")}`);
      process.exit(1);
    }
    console.log(`${files.length} notebook(s) clean`);
  } else {
    console.log(dirty.length > 0 ? `cleaned ${dirty.join(", ")}` : `${files.length} notebook(s) already clean`);
  }
}
