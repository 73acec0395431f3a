/**
 * The CNN experiments of issue 4 on the embedded default data set, trained from scratch (a fresh model cache
 * in a temporary folder): wall time against the budget of about 12 minutes on 2 cores, training throughput
 * per model, and each accuracy beside the paper's. Uses the image cache of notebook 02 (data/cache/images),
 * building it when absent; writes its result files to the temporary folder, not to results/. Never asserts
 * on speed.
 *
 *   node --import tsx bench/cnn-experiments.bench.ts [--quick] [--grouped]
 *
 * --quick trains 2 epochs for (a) and (b) and 1 epoch on at most 300 images per leave-one-station-out fold
 * (a smoke run of a few minutes; its accuracies are not the defaults'). --grouped adds experiment (e).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { initBackend } from "../lib/cnn/backend";
import { cacheDir, defaultDSetDir } from "../lib/core/paths";
import { consoleProgress } from "../lib/core/progress";
import { generateNorciaDataset } from "../lib/data/generator";
import { LEAVE_ONE_STATION_OUT_DEFAULTS, runCnnExperiments } from "../lib/pipeline/cnn-experiments";
import { buildImageCache } from "../lib/spectrogram/image-cache";

const QUICK = process.argv.includes("--quick");
const GROUPED = process.argv.includes("--grouped");
const BUDGET_S = 12 * 60;

async function main(): Promise<void> {
  await initBackend({ prefer: "wasm" });
  const dset = await generateNorciaDataset({ outDir: defaultDSetDir(), seed: 42, scale: "default", progress: consoleProgress("default data set") });
  const imageCacheDir = cacheDir("images");
  const t0 = performance.now();
  const manifest = await buildImageCache(dset.outDir, { cacheDir: imageCacheDir, onProgress: consoleProgress("image cache") });
  console.log(`image cache: ${manifest.entries.length} images in ${imageCacheDir} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cnn-experiments-bench-"));
  try {
    const start = performance.now();
    const r = await runCnnExperiments({
      imageCacheDir,
      cacheDir: path.join(tmp, "models"),
      resultsDir: path.join(tmp, "results"),
      epochs: QUICK ? 2 : undefined,
      leaveOneOut: QUICK ? { epochs: 1, maxTrainImages: 300 } : undefined,
      groupedByEvent: GROUPED,
      log: (line) => console.log(`[${((performance.now() - start) / 1000).toFixed(0).padStart(4)} s] ${line}`),
    });
    const wallS = (performance.now() - start) / 1000;
    console.log(`\n${QUICK ? "quick run" : "default settings"}: ${r.config.workers} worker thread(s), backend ${r.backend}, leave-one-station-out ${JSON.stringify(r.config.leaveOneOut)} (defaults ${JSON.stringify(LEAVE_ONE_STATION_OUT_DEFAULTS)})`);
    console.log(`${"experiment".padEnd(32)} ${"nTrain".padStart(6)} ${"nTest".padStart(6)} ${"accuracy".padStart(9)} ${"paper".padStart(7)} ${"train s".padStart(8)} ${"samples/s".padStart(10)}`);
    const perSecond = new Map<string, number | null>([
      [r.nrca.name, r.nrca.samplesPerSecond],
      [r.allStations.name, r.allStations.samplesPerSecond],
      ...(r.leaveOneStationOut?.folds.map((f) => [f.experiment.name, f.experiment.samplesPerSecond] as [string, number | null]) ?? []),
      ...(r.groupedByEvent ? [[r.groupedByEvent.name, r.groupedByEvent.samplesPerSecond] as [string, number | null]] : []),
    ]);
    for (const row of r.table) {
      const sps = perSecond.get(row.experiment);
      console.log(
        `${row.experiment.padEnd(32)} ${String(row.nTrain).padStart(6)} ${String(row.nTest).padStart(6)} ${row.accuracy.toFixed(4).padStart(9)} ${(row.paperAccuracy === null ? "" : row.paperAccuracy.toFixed(4)).padStart(7)} ${row.seconds.toFixed(1).padStart(8)} ${(sps ? sps.toFixed(1) : "").padStart(10)}`,
      );
    }
    if (r.leaveOneStationOut) {
      console.log(`leave-one-station-out: mean held-out accuracy ${r.leaveOneStationOut.meanHeldOutAccuracy.toFixed(4)}, mean in-distribution ${r.leaveOneStationOut.meanInDistributionAccuracy.toFixed(4)}`);
    }
    console.log(`\nwall time ${wallS.toFixed(0)} s = ${(wallS / BUDGET_S).toFixed(2)}x the ${BUDGET_S / 60}-minute budget; ${r.trainSeconds.toFixed(0)} s of training summed over models [load ${os.loadavg()[0].toFixed(1)}]`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
