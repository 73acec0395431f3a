// A child process for the interruption and concurrency tests of the caches (not a test file). Runs one
// cache job given as JSON in argv[2]; prints one JSON line of results on stdout, the library's log lines on
// stderr. The tests kill it at a named point with SEISMIC_XAI_KILL_AT (lib/core/kill-point) or run two at once.
import { buildFeatureTable } from "../../lib/features/feature-table";
import { buildImageCache } from "../../lib/spectrogram/image-cache";
import { acquireLock } from "../../lib/core/cache-lock";
// As a notebook does: the public entry point, which registers every tf.js backend.
import { loadCnn } from "../../lib/index";
import * as tf from "@tensorflow/tfjs";

interface Job {
  readonly action: "features" | "images" | "hold-lock" | "load-cnn";
  readonly dsetDir?: string;
  readonly cacheDir?: string;
  readonly stations?: string[];
  readonly workers?: number;
  readonly lockWaitMs?: number;
  readonly lockFile?: string;
  readonly modelDir?: string;
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2]) as Job;
  const log = (line: string) => process.stderr.write(`log: ${line}\n`);
  const filter = job.stations ? { stations: job.stations } : undefined;
  if (job.action === "features") {
    const t = await buildFeatureTable(job.dsetDir!, { cacheDir: job.cacheDir!, filter, workers: job.workers ?? 0, log, lockWaitMs: job.lockWaitMs });
    process.stdout.write(JSON.stringify({ nRows: t.nRows, fromCache: t.fromCache, resumedTraces: t.resumedTraces }) + "\n");
  } else if (job.action === "images") {
    const m = await buildImageCache(job.dsetDir!, { cacheDir: job.cacheDir!, filter, workers: job.workers ?? 0, log, lockWaitMs: job.lockWaitMs });
    process.stdout.write(JSON.stringify({ nEntries: m.entries.length }) + "\n");
  } else if (job.action === "hold-lock") {
    // Takes a lock, says so, and waits to be killed.
    await acquireLock(job.lockFile!, { purpose: "a test", log });
    process.stdout.write("locked\n");
    setInterval(() => {}, 1000);
  } else if (job.action === "load-cnn") {
    const model = await loadCnn(job.modelDir!);
    process.stdout.write(JSON.stringify({ nWeights: model.weights.length, backend: tf.getBackend() }) + "\n");
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`error: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}\n`);
  process.exit(2);
});
