/**
 * Copies the Python-reference golden fixtures into test/golden/ (see test/golden/README.md), so that every
 * golden comparison runs in a plain clone:
 * - shap/*.json and signal/reference.json byte for byte from the project's reference folder
 *   (outputs of shap 0.51, OpenCV 4.14, scikit-learn 1.9, numpy and scipy);
 * - signal/phasenet-windows.json: the input windows of signal/reference.json, cut from the PhaseNet
 *   recordings it names (`data[2500:5000].T`: 3 x 2500, rows E, N, Z), so the spectrogram, Welch and feature
 *   comparisons need no recording. The PhaseNet samples are MIT-licensed: test/golden/signal/NOTICE.
 *
 * Usage: npx tsx scripts/copy-golden-fixtures.ts [reference folder, default ../shared]
 * test/helpers/golden.test.ts checks the windows against the recordings where they exist.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { repoRoot } from "../lib/core/paths";
import { readNpz } from "../lib/waveform/npz";

const root = repoRoot();
const reference = path.resolve(process.argv[2] ?? path.join(root, "..", "shared"));
const golden = path.join(root, "test", "golden");
const VERBATIM = ["shap/partition_image_cases.json", "shap/telea_cases.json", "shap/tree_cases.json", "signal/reference.json"];

for (const rel of VERBATIM) {
  const from = path.join(reference, "fixtures", rel);
  const to = path.join(golden, rel);
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(from, to);
  const sha = crypto.createHash("sha256").update(fs.readFileSync(to)).digest("hex");
  console.log(`${path.relative(root, to)}  sha256 ${sha}`);
}

/** `data[2500:5000].T` of the recording a reference case names: 3 x 2500 row-major. */
function window(input: string): { file: string; data: number[][] } {
  const m = /^\.\.\/shared\/(data\/phasenet\/[\w.]+\.npz): data\[(\d+):(\d+)\]\.T$/.exec(input);
  if (!m) throw new Error(`unexpected reference input ${JSON.stringify(input)}`);
  const array = readNpz(path.join(reference, m[1])).data;
  const [nRows, nCols] = array.shape;
  const [start, stop] = [Number(m[2]), Number(m[3])];
  if (stop > nRows) throw new Error(`${m[1]}: slice ${start}:${stop} beyond ${nRows} rows`);
  const src = array.data as Float64Array;
  const data = Array.from({ length: nCols }, (_, ch) => Array.from({ length: stop - start }, (_, i) => src[(start + i) * nCols + ch]));
  return { file: path.basename(m[1]), data };
}

const ref = JSON.parse(fs.readFileSync(path.join(golden, "signal", "reference.json"), "utf8"));
const windows = {
  source: "PhaseNet training set (AI4EPS/PhaseNet, MIT licence, see NOTICE): samples 2500 to 4999 of each recording",
  layout: "data: 3 x 2500, one row per channel (E, N, Z: the recording's columns), counts as float64; samples 0..2499 of a row are data[2500..4999] of the .npz",
  cases: ref.cases.map((c: { name: string; input: string }) => ({ name: c.name, input: c.input, ...window(c.input) })),
};
const out = path.join(golden, "signal", "phasenet-windows.json");
fs.writeFileSync(out, JSON.stringify(windows) + "\n");
console.log(`${path.relative(root, out)}  ${windows.cases.length} windows`);
