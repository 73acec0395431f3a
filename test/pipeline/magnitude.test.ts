import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { generateNorciaDataset } from "../../lib/data/generator";
import { buildFeatureTable, FeatureTable } from "../../lib/features/feature-table";
import { MagnitudeExperimentsResult, PAPER_MAGNITUDE, runMagnitudeExperiment, runMagnitudeExperiments } from "../../lib/pipeline/magnitude";
import { MagnitudeResultsJson, MagnitudeShapJson, writeMagnitudeResults } from "../../lib/pipeline/magnitude-results";

// The tiny generated set: 20 traces per station and period at all nine stations (360 rows, 68 events).
let root = "";
let table: FeatureTable;
let first: MagnitudeExperimentsResult;
const N_TREES = 10;
const N_EXPLAIN = 15;

before(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "magnitude-"));
  const dsetDir = path.join(root, "dset");
  await generateNorciaDataset({ outDir: dsetDir, seed: 42, scale: "tiny", progress: () => {} });
  table = await buildFeatureTable(dsetDir, { cacheDir: path.join(root, "features"), workers: 2 });
  first = await runMagnitudeExperiments({ table, nEstimators: N_TREES, nExplain: N_EXPLAIN, cacheDir: path.join(root, "forests") });
});
after(() => fs.rmSync(root, { recursive: true, force: true }));

/** The table with some rows or values changed (copies; the shared table stays intact). */
function modifiedTable(change: { X?: (X: Float64Array) => void; y?: (y: Float64Array) => void; keep?: (i: number) => boolean }): FeatureTable {
  const keep = Array.from({ length: table.nRows }, (_, i) => i).filter((i) => change.keep?.(i) ?? true);
  const X = new Float64Array(keep.length * table.nFeatures);
  keep.forEach((r, k) => X.set(table.X.subarray(r * table.nFeatures, (r + 1) * table.nFeatures), k * table.nFeatures));
  const y = Float64Array.from(keep, (r) => table.y[r]);
  change.X?.(X);
  change.y?.(y);
  return { ...table, nRows: keep.length, X, y, rows: keep.map((r) => table.rows[r]) };
}

test("the paper's experiment, the grouped one and both per station: finite metrics, R2 within the physics' reach", () => {
  const stations = [...new Set(table.rows.map((r) => r.station))].sort();
  assert.equal(stations.length, 9);
  assert.equal(first.rows.length, 2 + 2 * stations.length);
  assert.deepEqual(first.rows.slice(0, 2).map((r) => [r.experiment, r.station, r.split]), [["all-stations", "all", "random"], ["all-stations", "all", "grouped-by-event"]]);
  for (const s of stations) {
    assert.deepEqual(first.rows.filter((r) => r.station === s).map((r) => [r.experiment, r.split]), [["per-station", "random"], ["per-station", "grouped-by-event"]]);
  }
  for (const r of first.rows) {
    for (const m of [r.mae, r.mse, r.rmse, r.r2, r.explainedVariance]) assert.ok(Number.isFinite(m), `${r.station} ${r.split}: ${m}`);
    assert.ok(Math.abs(r.rmse - Math.sqrt(r.mse)) < 1e-12);
    assert.ok(r.r2 > 0.2, `${r.station} ${r.split}: R2 ${r.r2}`);
  }
  assert.equal(first.random.nTest, Math.ceil(0.2 * 360));
  assert.equal(first.random.nTrain + first.random.nTest, 360);
  // Magnitude is well determined by amplitude and distance in the generator: 10 trees on 288 rows reach R2 ~0.8.
  assert.ok(first.random.metrics.r2 > 0.7, `random split R2 ${first.random.metrics.r2}`);
  // On this set every event is recorded at ~5 stations and the source coordinates are features: the random
  // split lets the forest recognise test events from training rows, the grouped split does not.
  assert.ok(first.random.metrics.r2 > first.groupedByEvent.metrics.r2 + 0.1, `random ${first.random.metrics.r2}, grouped ${first.groupedByEvent.metrics.r2}`);
  assert.equal(first.paper, PAPER_MAGNITUDE);
  assert.equal(first.random.yPred.length, first.random.nTest);
});

test("the grouped split never puts one event on both sides; the random split does", () => {
  const overlap = (trainIndex: Int32Array, testIndex: Int32Array): number => {
    const trainEvents = new Set(Array.from(trainIndex, (r) => table.rows[r].source_id));
    return Array.from(testIndex).filter((r) => trainEvents.has(table.rows[r].source_id)).length;
  };
  for (const e of [first.groupedByEvent, ...first.perStation.filter((p) => p.split === "grouped-by-event")]) {
    assert.equal(overlap(e.trainIndex, e.testIndex), 0, `${e.stations.join(",")}`);
    assert.equal(new Set([...e.trainIndex, ...e.testIndex]).size, e.nTrain + e.nTest);
  }
  assert.ok(overlap(first.random.trainIndex, first.random.testIndex) > first.random.nTest / 2);
  for (const e of first.perStation) assert.ok(Array.from(e.testIndex).every((r) => table.rows[r].station === e.stations[0]));
});

test("TreeSHAP on the explained test rows: additive to 1e-9, expected value near the training mean, features ranked", () => {
  for (const e of [first.random, first.groupedByEvent]) {
    const x = e.explanation!;
    assert.equal(x.nSamples, N_EXPLAIN);
    assert.equal(x.nFeatures, 73);
    assert.deepEqual(x.featureNames, table.featureNames);
    assert.ok(e.additivityResidual !== null && e.additivityResidual < 1e-9, `residual ${e.additivityResidual}`);
    const outputs = x.outputs();
    const testPosition = new Map(Array.from(e.testIndex, (r, k) => [r, k]));
    e.explainedIndex.forEach((r, k) => assert.ok(Math.abs(outputs[k] - e.yPred[testPosition.get(r)!]) < 1e-9));
    assert.deepEqual(e.explainedTraceNames, Array.from(e.explainedIndex, (r) => table.rows[r].trace_name));
    assert.deepEqual(x.shape, [N_EXPLAIN, 73], "a table explanation has no output axis, as shap's");
    assert.ok(x.checkAdditivity().maxAbsResidual < 1e-9, "the explanation carries the ensemble's predictions as model outputs");
    const yTrainMean = Array.from(e.trainIndex, (r) => table.y[r]).reduce((a, b) => a + b) / e.nTrain;
    assert.ok(Math.abs(e.expectedValue - yTrainMean) < 0.1, `expected value ${e.expectedValue}, training mean ${yTrainMean}`);
    assert.equal(e.topFeatures.length, 73);
    for (let k = 1; k < 73; k++) assert.ok(e.topFeatures[k - 1].meanAbsShap >= e.topFeatures[k].meanAbsShap);
    assert.equal(e.topFeatures[0].meanAbsShap, x.abs().mean(0).values[e.topFeatures[0].index]);
  }
  for (const e of first.perStation) assert.equal(e.explanation, null);
});

test("results JSON: written atomically, re-readable, consistent with the run", () => {
  const dir = path.join(root, "results");
  const files = writeMagnitudeResults(dir, first);
  assert.deepEqual(fs.readdirSync(dir).sort(), ["magnitude-shap.json", "magnitude.json"]);
  const summary = JSON.parse(fs.readFileSync(files.summary, "utf8")) as MagnitudeResultsJson;
  assert.equal(summary.format, "seismic-xai/magnitude-results");
  assert.equal(summary.table.length, first.rows.length);
  assert.equal(summary.random.metrics.r2, first.random.metrics.r2);
  assert.deepEqual(summary.comparison.find((c) => c.quantity === "r2"), { quantity: "r2", paper: 0.8834, random: first.random.metrics.r2, groupedByEvent: first.groupedByEvent.metrics.r2 });
  assert.equal(summary.config.nEstimators, N_TREES);
  assert.equal(summary.random.predictions.yPred.length, first.random.nTest);
  assert.equal(summary.paperTopFeatures.length, 7);
  assert.equal(summary.random.topFeatures[0].name, first.random.topFeatures[0].name);
  const shap = JSON.parse(fs.readFileSync(files.shap, "utf8")) as MagnitudeShapJson;
  const entry = shap.random!;
  assert.deepEqual(entry.shape, [N_EXPLAIN, 73]);
  assert.equal(shap.featureNames.length, 73);
  const values = entry.values as unknown as number[], base = entry.baseValues as unknown as number[], pred = entry.yPred as unknown as number[];
  for (let k = 0; k < N_EXPLAIN; k++) {
    const sum = values.slice(k * 73, (k + 1) * 73).reduce((a, b) => a + b, base[k]);
    assert.ok(Math.abs(sum - pred[k]) < 1e-9);
  }
  assert.equal(entry.traceName.length, N_EXPLAIN);
});

test("same seed, same forest and metrics; a second run reuses the cached forests; another seed differs", async () => {
  const again = await runMagnitudeExperiment({ table, split: "random", nEstimators: N_TREES, nExplain: 0 });
  assert.equal(again.forestFromCache, false);
  assert.deepEqual(again.metrics, first.random.metrics);
  assert.deepEqual(again.yPred, first.random.yPred);
  const cached = await runMagnitudeExperiments({ table, nEstimators: N_TREES, nExplain: N_EXPLAIN, cacheDir: path.join(root, "forests") });
  assert.ok(first.rows.every((r) => !r.forestFromCache));
  assert.ok(cached.rows.every((r) => r.forestFromCache));
  assert.deepEqual(cached.rows.map((r) => r.r2), first.rows.map((r) => r.r2));
  assert.deepEqual(cached.random.explanation!.values, first.random.explanation!.values);
  assert.equal(fs.readdirSync(path.join(root, "forests")).filter((f) => f.endsWith(".json")).length, first.rows.length);
  const other = await runMagnitudeExperiment({ table, split: "random", nEstimators: N_TREES, nExplain: 0, seed: 7 });
  assert.notDeepEqual(other.metrics, first.random.metrics);
});

test("TreeSHAP on worker threads gives the values of this thread", async () => {
  const e = await runMagnitudeExperiment({ table, split: "random", nEstimators: N_TREES, nExplain: N_EXPLAIN, shapWorkers: 2, cacheDir: path.join(root, "forests") });
  assert.equal(e.forestFromCache, true);
  assert.deepEqual(e.explainedIndex, first.random.explainedIndex);
  assert.deepEqual(e.explanation!.values, first.random.explanation!.values);
  await assert.rejects(runMagnitudeExperiment({ table, split: "random", nEstimators: 2, shapWorkers: -1 }), /shapWorkers must be an integer >= 0/);
});

test("missing feature values are filled with the training mean; rows without a magnitude are left out", async () => {
  const feature = table.featureNames.indexOf("p_travel_sec");
  const holes = [3, 50, 120, 200, 333];
  const withNaN = modifiedTable({
    X: (X) => holes.forEach((r) => (X[r * 73 + feature] = NaN)),
    y: (y) => (y[10] = NaN),
  });
  const e = await runMagnitudeExperiment({ table: withNaN, split: "random", nEstimators: 5, nExplain: 72 });
  assert.equal(e.nDroppedNoTarget, 1);
  assert.equal(e.nTrain + e.nTest, 359);
  assert.ok(!e.trainIndex.includes(10) && !e.testIndex.includes(10));
  assert.equal(e.nFilled, holes.length);
  const trainValues = Array.from(e.trainIndex, (r) => withNaN.X[r * 73 + feature]).filter((v) => !Number.isNaN(v));
  assert.ok(Math.abs(e.trainMeans[feature] - trainValues.reduce((a, b) => a + b) / trainValues.length) < 1e-12);
  for (const m of Object.values(e.metrics)) assert.ok(Number.isFinite(m));
  // Every test row is explained (72 of 72), so the test holes appear in the explained data, filled.
  const x = e.explanation!;
  assert.ok(x.data.every((v) => Number.isFinite(v)));
  const testHoles = holes.filter((r) => e.testIndex.includes(r));
  assert.ok(testHoles.length > 0);
  for (const r of testHoles) {
    const k = Array.from(e.explainedIndex).indexOf(r);
    assert.equal(x.data[k * 73 + feature], e.trainMeans[feature]);
  }
});

test("a feature missing at every row of a station is filled with 0, reported and logged, and gets no importance", async () => {
  const feature = table.featureNames.indexOf("p_travel_sec");
  const station = "NRCA";
  const noPick = modifiedTable({ X: (X) => table.rows.forEach((r, i) => r.station === station && (X[i * 73 + feature] = NaN)) });
  const lines: string[] = [];
  const e = await runMagnitudeExperiment({ table: noPick, split: "random", stations: [station], nEstimators: 5, nExplain: 8, log: (line) => lines.push(line) });
  assert.deepEqual(e.emptyFeatures, ["p_travel_sec"]);
  assert.equal(e.trainMeans[feature], 0);
  assert.equal(lines.length, 1);
  assert.match(lines[0], /stations NRCA.*1 feature\(s\) missing in all \d+ training rows, filled with 0 \(no importance\): p_travel_sec/);
  const importance = e.topFeatures.find((f) => f.name === "p_travel_sec")!;
  assert.equal(importance.meanAbsShap, 0);
  assert.deepEqual(first.random.emptyFeatures, []);
});

test("clear errors: unknown station, empty sides, bad options", async () => {
  await assert.rejects(runMagnitudeExperiment({ table, split: "random", stations: ["XXXX"], nEstimators: 2 }), /no rows for station XXXX \(the table has FDMO, MC2, MMO1, NRCA, T1212, T1213, T1214, T1216, T1244\)/);
  await assert.rejects(runMagnitudeExperiment({ table, split: "random", stations: [], nEstimators: 2 }), /stations is empty/);
  const noMagnitudeAtNrca = modifiedTable({ y: (y) => table.rows.forEach((r, i) => r.station === "NRCA" && (y[i] = NaN)) });
  await assert.rejects(
    runMagnitudeExperiment({ table: noMagnitudeAtNrca, split: "random", stations: ["NRCA"], nEstimators: 2 }),
    /runMagnitudeExperiment \(random split, stations NRCA\): no rows to split \(40 rows without a source_magnitude were left out\): the test set would be empty/,
  );
  const oneEvent = table.rows[0].source_id;
  const single = modifiedTable({ keep: (i) => table.rows[i].source_id === oneEvent });
  await assert.rejects(runMagnitudeExperiment({ table: single, split: "grouped-by-event", nEstimators: 2 }), /cannot split \d+ rows: .*1 groups .*empty training set/);
  await assert.rejects(runMagnitudeExperiment({ table, split: "random", testFraction: 1, nEstimators: 2 }), /testFraction must be in \(0, 1\)/);
  await assert.rejects(runMagnitudeExperiment({ table, split: "by-station" as never }), /split must be "random" or "grouped-by-event"/);
  await assert.rejects(runMagnitudeExperiment({ table, split: "random", nExplain: -1 }), /nExplain must be an integer >= 0/);
  await assert.rejects(runMagnitudeExperiment({ table: { ...table, nRows: 3 }, split: "random" }), /X has 26280 values for 3 rows/);
});
