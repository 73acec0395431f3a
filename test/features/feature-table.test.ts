import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { generateNorciaDataset, openDSet } from "../../lib/data/index";
import { buildFeatureTable } from "../../lib/features/feature-table";
import { featureRow } from "../../lib/features/index";

let root = "";
let dsetDir = "";
before(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "feature-table-"));
  dsetDir = path.join(root, "dset");
  await generateNorciaDataset({ outDir: dsetDir, seed: 5, scale: "tiny", stations: ["NRCA", "T1212"] });
});
after(() => fs.rmSync(root, { recursive: true, force: true }));

test("one row of 73 features per trace, equal to featureRow, from workers or in-process", async () => {
  const a = await buildFeatureTable(dsetDir, { cacheDir: path.join(root, "a"), workers: 2 });
  const b = await buildFeatureTable(dsetDir, { cacheDir: path.join(root, "b"), workers: 0 });
  const dset = await openDSet(dsetDir);
  assert.equal(a.nRows, dset.count());
  assert.equal(a.nFeatures, 73);
  assert.deepEqual(a.X, b.X);
  assert.deepEqual(a.rows, b.rows);
  const i = a.nRows - 1;
  const trace = await dset.readTrace(a.rows[i].trace_name);
  assert.deepEqual(a.X.subarray(i * 73, (i + 1) * 73), featureRow(trace.data, trace.row).values);
  assert.equal(a.y[i], trace.metadata.source_magnitude);
  dset.close();
});

test("a second call loads the cache; another data set recomputes", async () => {
  const cacheDir = path.join(root, "c");
  const first = await buildFeatureTable(dsetDir, { cacheDir, workers: 0 });
  let calls = 0;
  const second = await buildFeatureTable(dsetDir, { cacheDir, workers: 0, onProgress: () => calls++ });
  assert.equal(calls, 0);
  assert.deepEqual(second.X, first.X);
  const other = path.join(root, "dset2");
  await generateNorciaDataset({ outDir: other, seed: 6, scale: "tiny", stations: ["NRCA"] });
  const third = await buildFeatureTable(other, { cacheDir, workers: 0 });
  assert.notEqual(third.nRows, first.nRows);
});
