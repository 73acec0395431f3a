import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { CNN_IMAGE_SIZE } from "../../lib/cnn/architecture";
import { initBackend } from "../../lib/cnn/backend";
import { InputError } from "../../lib/core/errors";
import { generateNorciaDataset } from "../../lib/data/generator";
import { trainCnnExperiment, type CnnExperiment } from "../../lib/pipeline/cnn-experiment";
import { leaveOneStationOutTable, loadCnnExperiment, planCnnExperiments, runCnnExperiments, PAPER_CNN } from "../../lib/pipeline/cnn-experiments";
import { buildImageCache, loadImageSet, type ImageSet } from "../../lib/spectrogram/image-cache";

const STATIONS = ["FDMO", "MC2", "NRCA"];
let root = "";
let imageCacheDir = "";
let images: ImageSet;

before(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "cnn-experiments-"));
  const dsetDir = path.join(root, "dset");
  // 20 foreshocks and 20 aftershocks per station.
  await generateNorciaDataset({ outDir: dsetDir, seed: 5, scale: "tiny", stations: STATIONS, progress: () => {} });
  imageCacheDir = path.join(root, "images");
  await buildImageCache(dsetDir, { cacheDir: imageCacheDir, workers: 0 });
  images = loadImageSet(imageCacheDir, (e) => e.label === 0 || e.label === 1);
  await initBackend({ prefer: "wasm", log: false });
});
after(() => fs.rmSync(root, { recursive: true, force: true }));

function readJson(file: string): Record<string, any> {
  return JSON.parse(fs.readFileSync(file, "utf8"));
}

/** Rows of a predictions CSV as objects keyed by the header. */
function readCsv(file: string): Record<string, string>[] {
  const [header, ...lines] = fs.readFileSync(file, "utf8").trim().split("\n");
  const keys = header.split(",");
  return lines.map((l) => Object.fromEntries(l.split(",").map((v, k) => [keys[k], v])));
}

function eventsOf(e: Pick<CnnExperiment, "trainIndex">, index: Int32Array): Set<string> {
  return new Set(Array.from(index, (i) => images.entries[i].source_id));
}

test("runCnnExperiments writes the paper's experiments and leave-one-station-out as JSON; a second run trains nothing; workers train the same models", async () => {
  const resultsDir = path.join(root, "results");
  const cacheDir = path.join(root, "models");
  const options = {
    imageCacheDir,
    images,
    cacheDir,
    resultsDir,
    epochs: 1,
    leaveOneOut: { epochs: 1, maxTrainImages: 40 },
    groupedByEvent: true,
    log: false as const,
  };
  // First run: the six trainings on two worker threads, then the seven experiments from the cache.
  const progress: string[] = [];
  const trainingCalls: Array<[number, number, string]> = [];
  const onTraining = (done: number, total: number, label?: string) => trainingCalls.push([done, total, label ?? ""]);
  const first = await runCnnExperiments({ ...options, workers: 2, onProgress: (done, total, label) => progress.push(`${done}/${total} ${label}`), onTraining });
  assertTrainingProgress(trainingCalls, first.table.filter((r) => r.experiment !== "nrca-on-all-stations").reduce((n, r) => n + r.nTrain, 0));
  // onTraining reports the six trainings, so the steps are the evaluations': a start, then the seven experiments.
  assert.equal(progress.length, 1 + 7, progress.join("\n"));
  assert.equal(progress[0], "0/7 evaluating");
  assert.equal(progress[7], "7/7 (e) all-stations model, grouped by event");
  assert.equal(first.config.workers, 2);

  const files = fs.readdirSync(resultsDir).sort();
  for (const name of ["nrca", "all-stations", "nrca-on-all-stations", "all-stations-grouped-by-event"]) {
    assert.ok(files.includes(`cnn-${name}.json`), `cnn-${name}.json missing from ${files}`);
    assert.ok(files.includes(`cnn-${name}-predictions.csv`), `cnn-${name}-predictions.csv missing`);
  }
  assert.ok(files.includes("cnn-leave-one-station-out.json") && files.includes("cnn-leave-one-station-out-predictions.csv"));
  assert.ok(files.includes("cnn-experiments.json"));
  assert.ok(!files.some((f) => f.endsWith(".tmp")), `temporary files left: ${files}`);

  // (a): metrics, the paper's numbers, history, a loadable model in the standard layers format.
  const nrca = readJson(path.join(resultsDir, "cnn-nrca.json"));
  assert.deepEqual(nrca.config.stations, ["NRCA"]);
  assert.equal(nrca.data.nTrain + nrca.data.nVal + nrca.data.nTest, 40);
  for (const key of ["accuracy", "precision", "recall", "f1", "confusion", "perStation"]) assert.ok(key in nrca.metrics, `metrics.${key}`);
  assert.equal(nrca.metrics.confusion.flat().reduce((s: number, k: number) => s + k, 0), nrca.data.nTest);
  assert.equal(nrca.paper.accuracy, PAPER_CNN.nrca.accuracy);
  assert.deepEqual(nrca.comparison.map((c: { quantity: string }) => c.quantity), ["accuracy", "precision", "recall", "f1"]);
  assert.equal(nrca.history.length, 1);
  assert.equal(nrca.backend, "wasm");
  assert.ok(fs.existsSync(path.join(nrca.model.dir, "model.json")));
  const csv = readCsv(path.join(resultsDir, "cnn-nrca-predictions.csv"));
  assert.equal(csv.length, nrca.data.nTest);
  assert.ok(csv.every((r) => r.receiver_name === "NRCA"));
  assert.equal(csv.filter((r) => r.label === r.predicted).length / csv.length, nrca.metrics.accuracy);

  // (b) and (c): the NRCA model on the all-stations test split, per station.
  const all = readJson(path.join(resultsDir, "cnn-all-stations.json"));
  assert.equal(all.data.nTrain + all.data.nVal + all.data.nTest, images.n);
  assert.deepEqual(all.config.stations, STATIONS);
  const cross = readJson(path.join(resultsDir, "cnn-nrca-on-all-stations.json"));
  assert.equal(cross.metrics.n, all.data.nTest);
  assert.deepEqual(cross.metrics.perStation.map((s: { station: string }) => s.station), STATIONS);
  assert.deepEqual(cross.otherStations.perStation.map((s: { station: string }) => s.station), ["FDMO", "MC2"]);
  assert.equal(cross.paper.accuracy, PAPER_CNN.nrcaOnAllStations.accuracy);
  const nrcaTrain = new Set(first.nrca.trainIndex);
  assert.equal(cross.nSeenInTraining, Array.from(first.allStations.testIndex).filter((i) => nrcaTrain.has(i)).length);

  // (d): one fold per station, tested on every trace of the station it left out.
  const loso = readJson(path.join(resultsDir, "cnn-leave-one-station-out.json"));
  assert.deepEqual(loso.table.map((r: { station: string }) => r.station), STATIONS);
  for (const r of loso.table) {
    assert.equal(r.nHeldOut, 40);
    assert.equal(r.nTrain, 40);
    assert.ok(r.nTrainAvailable > 40);
    assert.ok(r.heldOutAccuracy >= 0 && r.heldOutAccuracy <= 1 && r.inDistributionAccuracy >= 0 && r.inDistributionAccuracy <= 1);
  }
  assert.ok(loso.folds.every((f: { station: string; trainedOn: string[] }) => !f.trainedOn.includes(f.station) && f.trainedOn.length === 2));
  assert.match(loso.tradeOff, /1 epoch\(s\) on at most 40 images/);
  assert.equal(readCsv(path.join(resultsDir, "cnn-leave-one-station-out-predictions.csv")).length, 120);

  const summary = readJson(path.join(resultsDir, "cnn-experiments.json"));
  assert.deepEqual(
    summary.table.map((r: { experiment: string }) => r.experiment),
    ["nrca", "all-stations", "nrca-on-all-stations", "loso-fdmo", "loso-mc2", "loso-nrca", "all-stations-grouped-by-event"],
  );
  assert.equal(summary.paper.allStations.accuracy, 0.9575);
  assert.ok(first.table.every((r) => !r.fromCache));
  assert.ok(first.trainSeconds > 0);

  // The second run, in this thread, finds every model in the cache and reproduces every number.
  const lines: string[] = [];
  const second = await runCnnExperiments({ ...options, workers: 0, log: (l) => lines.push(l) });
  assert.ok(second.table.every((r) => r.fromCache), JSON.stringify(second.table.map((r) => [r.experiment, r.fromCache])));
  assert.equal(second.trainSeconds, 0);
  assert.ok(!lines.some((l) => /^training CNN2D/.test(l)), lines.join("\n"));
  assert.equal(lines.filter((l) => /reusing the trained model/.test(l)).length, 6);
  assert.deepEqual(
    second.table.map((r) => [r.experiment, r.accuracy, r.precision, r.recall, r.f1]),
    first.table.map((r) => [r.experiment, r.accuracy, r.precision, r.recall, r.f1]),
  );
  assert.deepEqual(second.nrcaOnAllStations.predictions.logits, first.nrcaOnAllStations.predictions.logits);
  // With workers allowed, nothing is sent to them when every model is cached.
  const steps: string[] = [];
  const third = await runCnnExperiments({ ...options, workers: 2, onProgress: (done, total, label) => steps.push(`${done}/${total} ${label}`) });
  assert.deepEqual([steps.length, steps[0]], [8, "0/7 evaluating"], steps.join("\n"));
  assert.ok(third.table.every((r) => r.fromCache));

  // Notebooks 04 and 05 load a trained model by name, with its test split as an image subset that knows its axes.
  const loaded = await loadCnnExperiment("nrca", { ...options, log: false });
  try {
    assert.equal(loaded.key, first.nrca.key);
    assert.equal(loaded.fromCache, true);
    assert.deepEqual(loaded.predictions.logits, first.nrca.predictions.logits);
    assert.equal(loaded.test.n, first.nrca.nTest);
    assert.deepEqual(loaded.test.traceNames, first.nrca.testTraceNames);
    const image = loaded.test.image(0);
    assert.equal(image.traceName, first.nrca.testTraceNames[0]);
    assert.equal(image.station, "NRCA");
    assert.equal(image.freqsHz.length, 33);
    assert.equal(image.timesS.length, 153);
    assert.equal(image.labelName, ["foreshock", "aftershock"][image.label]);
  } finally {
    loaded.dispose();
  }
  assert.throws(() => loaded.model.getWeights(), /disposed/, "dispose() frees the model");
  const fold = await loadCnnExperiment("loso-mc2", { ...options, log: false });
  fold.dispose();
  assert.deepEqual(fold.config.stations, ["FDMO", "NRCA"]);
  await assert.rejects(loadCnnExperiment("nrca-2", options), (e: unknown) => e instanceof InputError && /no such experiment: .*nrca, all-stations, loso-fdmo/.test(e.message));
  await assert.rejects(
    loadCnnExperiment("nrca", { ...options, epochs: 3 }),
    (e: unknown) => e instanceof InputError && /the model is not in the cache .*: run notebook 03 first/.test(e.message),
  );
  await assert.rejects(loadCnnExperiment("nrca", { ...options, imageCacheDir: path.join(root, "nowhere") }), /no image cache in .*nowhere: run notebook 02/);

  // The leave-one-station-out table for plots.table, and the plan's names.
  const losoTable = leaveOneStationOutTable(first);
  assert.deepEqual(losoTable.rows.map((r) => r[0]), STATIONS);
  assert.equal(losoTable.columns.length, losoTable.rows[0].length);
  assert.deepEqual(planCnnExperiments({ ...options, workers: 0 }, STATIONS).trainings.map((p) => p.name), [
    "nrca",
    "all-stations",
    "loso-fdmo",
    "loso-mc2",
    "loso-nrca",
    "all-stations-grouped-by-event",
  ]);
  assert.deepEqual(first.nrca.classNames, ["foreshock", "aftershock"]);
  assert.equal(first.nrcaOnAllStations.name, "nrca-on-all-stations");

  // Training in this thread gives the models the workers gave.
  trainingCalls.length = 0;
  const here = await runCnnExperiments({ ...options, workers: 0, cacheDir: path.join(root, "models-here"), resultsDir: path.join(root, "results-here"), leaveOneOut: false, groupedByEvent: false, onTraining });
  assertTrainingProgress(trainingCalls, here.nrca.nTrain + here.allStations.nTrain);
  assert.ok(here.table.every((r) => !r.fromCache));
  assert.equal(here.nrca.key, first.nrca.key);
  assert.deepEqual(here.allStations.predictions.logits, first.allStations.predictions.logits);
  assert.deepEqual(here.table.map((r) => r.accuracy), first.table.slice(0, 3).map((r) => r.accuracy));
  assert.equal(here.leaveOneStationOut, null);
  assert.deepEqual(fs.readdirSync(path.join(root, "results-here")).filter((f) => f.endsWith(".json")).sort(), [
    "cnn-all-stations.json",
    "cnn-experiments.json",
    "cnn-nrca-on-all-stations.json",
    "cnn-nrca.json",
  ]);
});

test("the grouped split never puts one event in two splits (the random split does)", async () => {
  const cacheDir = path.join(root, "models-split");
  const grouped = await trainCnnExperiment({ name: "grouped", imageCacheDir, images, split: "grouped-by-event", epochs: 1, cacheDir, log: false });
  grouped.model.dispose();
  const [train, val, testEvents] = [grouped.trainIndex, grouped.valIndex, grouped.testIndex].map((index) => eventsOf(grouped, index));
  for (const [a, b] of [[train, val], [train, testEvents], [val, testEvents]]) {
    assert.deepEqual([...a].filter((id) => b.has(id)), []);
  }
  assert.equal(grouped.nTrain + grouped.nVal + grouped.nTest, images.n);
  assert.equal(train.size + val.size + testEvents.size, grouped.nEvents);
  assert.ok(grouped.testTraceNames.every((name, k) => images.entries[grouped.testIndex[k]].trace_name === name));

  const random = await trainCnnExperiment({ name: "random", imageCacheDir, images, split: "random", epochs: 1, cacheDir, log: false });
  random.model.dispose();
  const randomTrain = eventsOf(random, random.trainIndex);
  assert.ok([...eventsOf(random, random.testIndex)].some((id) => randomTrain.has(id)), "the random split shares no event: the check above proves nothing");
});

test("an interrupted training resumes from its last checkpoint and ends as an uninterrupted run; then it is reused", async () => {
  const options = { name: "resume", imageCacheDir, images, stations: ["NRCA", "MC2"], split: "random" as const, epochs: 2, seed: 7, log: false as const };
  const straight = await trainCnnExperiment({ ...options, cacheDir: path.join(root, "models-straight") });
  straight.model.dispose();

  const cacheDir = path.join(root, "models-interrupted");
  await assert.rejects(
    trainCnnExperiment({
      ...options,
      cacheDir,
      onEpoch: (r) => {
        if (r.epoch === 1) throw new Error("interrupted after epoch 1");
      },
    }),
    /interrupted after epoch 1/,
  );
  const experimentDir = path.join(cacheDir, `resume-${straight.key}`);
  assert.deepEqual(fs.readdirSync(experimentDir).sort(), ["checkpoint"]);
  assert.equal(readJson(path.join(experimentDir, "checkpoint", "checkpoint.json")).state.epoch, 1);

  const epochs: number[] = [];
  const resumed = await trainCnnExperiment({ ...options, cacheDir, onEpoch: (r) => epochs.push(r.epoch) });
  resumed.model.dispose();
  assert.deepEqual(epochs, [2]);
  assert.equal(resumed.resumedFromEpoch, 1);
  assert.equal(resumed.fromCache, false);
  assert.equal(resumed.history.length, 2);
  assert.equal(resumed.key, straight.key);
  assert.deepEqual(resumed.metrics, straight.metrics);
  assert.deepEqual(resumed.predictions.logits, straight.predictions.logits);
  assert.deepEqual(fs.readdirSync(experimentDir).sort(), ["experiment.json", "model", "test-predictions.csv"]);

  const again = await trainCnnExperiment({ ...options, cacheDir, onEpoch: () => assert.fail("a reused model must not train") });
  again.model.dispose();
  assert.equal(again.fromCache, true);
  assert.equal(again.samplesPerSecond, null);
  assert.deepEqual(again.history, resumed.history);
  assert.deepEqual(again.predictions.logits, straight.predictions.logits);

  // Other settings make another model.
  const more = await trainCnnExperiment({ ...options, cacheDir, epochs: 1 });
  more.model.dispose();
  assert.notEqual(more.key, straight.key);
  assert.equal(more.fromCache, false);
});

test("clear errors: unknown station, station without traces, empty split, single-class training set, bad settings", async () => {
  const cacheDir = path.join(root, "models-errors");
  const base = { name: "errors", imageCacheDir, split: "random" as const, epochs: 1, cacheDir, log: false as const };
  const rejects = (options: Parameters<typeof trainCnnExperiment>[0], pattern: RegExp) =>
    assert.rejects(trainCnnExperiment(options), (e: unknown) => e instanceof InputError && pattern.test(e.message) && e.message.includes('"errors"'));

  await rejects({ ...base, stations: ["XYZ"] }, /unknown station "XYZ": the image cache .* holds FDMO, MC2, NRCA/);
  await rejects({ ...base, stations: ["NRCA", "T1212"] }, /no foreshock or aftershock traces of station T1212 in the image cache/);
  await rejects({ ...base, stations: [] }, /stations must be "all" or a non-empty list/);

  const nrca = images.entries.flatMap((e, i) => (e.station === "NRCA" ? [i] : [])).slice(0, 3);
  const fewImages = new Uint8Array(nrca.length * CNN_IMAGE_SIZE);
  nrca.forEach((i, k) => fewImages.set(images.images.subarray(i * CNN_IMAGE_SIZE, (i + 1) * CNN_IMAGE_SIZE), k * CNN_IMAGE_SIZE));
  const few: ImageSet = { n: nrca.length, images: fewImages, entries: nrca.map((i) => images.entries[i]), shape: images.shape };
  await rejects({ ...base, images: few, stations: ["NRCA"] }, /the val split is empty: 3 traces of NRCA are too few for a 70\/15\/15 random split/);

  const foreshocks = loadImageSet(imageCacheDir, (e) => e.label === 0);
  await rejects({ ...base, images: foreshocks, stations: ["NRCA"] }, /single-class training set: all 14 training images of NRCA are foreshocks/);

  await rejects({ ...base, split: "by-time" as never }, /split must be "random" or "grouped-by-event"/);
  await rejects({ ...base, epochs: 0 }, /epochs must be a positive integer/);
  await rejects({ ...base, maxTrainImages: 1 }, /maxTrainImages must be an integer >= 2/);
  await assert.rejects(trainCnnExperiment({ ...base, name: "NRCA model" }), /name must be lower-case letters, digits and dashes/);
  assert.ok(!fs.existsSync(cacheDir), "a rejected experiment wrote to the model cache");

  await assert.rejects(
    runCnnExperiments({ imageCacheDir, images: loadImageSet(imageCacheDir, (e) => e.station === "NRCA"), cacheDir, resultsDir: path.join(root, "r"), log: false }),
    /leave-one-station-out needs at least two stations, the image cache .* holds NRCA \(pass leaveOneOut: false\)/,
  );
  await assert.rejects(
    runCnnExperiments({ imageCacheDir, images: loadImageSet(imageCacheDir, (e) => e.station !== "NRCA"), cacheDir, resultsDir: path.join(root, "r"), leaveOneOut: false, log: false }),
    /"nrca": no foreshock or aftershock traces of station NRCA/,
  );
});

/** The trainings' progress: samples only grow, end at the total (one epoch per model here), names the models. */
function assertTrainingProgress(calls: ReadonlyArray<[number, number, string]>, samples: number): void {
  assert.ok(calls.length > 0, "onTraining was never called");
  for (let i = 1; i < calls.length; i++) assert.ok(calls[i][0] >= calls[i - 1][0], `samples went back: ${calls[i - 1][0]} then ${calls[i][0]}`);
  const [done, total, label] = calls[calls.length - 1];
  assert.equal(done, total);
  assert.equal(total, samples);
  assert.equal(label, "");
  assert.ok(calls.some(([, , l]) => /nrca|all-stations/.test(l)), "no call named a training model");
}
