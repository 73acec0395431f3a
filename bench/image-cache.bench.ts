/**
 * Image-cache throughput (issue: traces per second from HDF5 trace to cached PNG), with one worker thread
 * and with one per core, on a generated data set (the default one in data/dset when present, else a tiny one
 * made here). Prints traces/s and the scaling ratio; never fails on speed.
 * Usage: node --import tsx bench/image-cache.bench.ts [--stations 3]
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { defaultDSetDir } from "../lib/core/paths";
import { defaultWorkerCount } from "../lib/core/worker";
import { generateNorciaDataset } from "../lib/data/generator";
import { silentProgress } from "../lib/core/progress";
import { buildImageCache } from "../lib/spectrogram/image-cache";

async function main(): Promise<void> {
  const arg = process.argv.indexOf("--stations");
  const nStations = arg > 0 ? Number(process.argv[arg + 1]) : 3;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bench-image-cache-"));
  let dsetDir = defaultDSetDir();
  if (!fs.existsSync(path.join(dsetDir, "generator.json"))) {
    dsetDir = path.join(tmp, "dset");
    await generateNorciaDataset({ outDir: dsetDir, seed: 1, scale: "tiny", progress: silentProgress });
  }
  const stations = ["NRCA", "MMO1", "MC2", "FDMO", "T1212", "T1213", "T1214", "T1216", "T1244"].slice(0, nStations);
  console.log(`image cache from ${dsetDir} (${stations.join(", ")}); load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`);
  const rates: number[] = [];
  for (const workers of [1, defaultWorkerCount()]) {
    const cacheDir = path.join(tmp, `cache-${workers}`);
    const t0 = performance.now();
    const manifest = await buildImageCache(dsetDir, { cacheDir, workers, filter: { stations } });
    const s = (performance.now() - t0) / 1000;
    const rate = manifest.entries.length / s;
    rates.push(rate);
    console.log(`  ${workers} worker(s): ${manifest.entries.length} traces in ${s.toFixed(2)} s = ${rate.toFixed(0)} traces/s (worker start-up included)`);
  }
  console.log(`  scaling ${defaultWorkerCount()} workers / 1 worker: ${(rates[1] / rates[0]).toFixed(2)}x`);
  fs.rmSync(tmp, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
