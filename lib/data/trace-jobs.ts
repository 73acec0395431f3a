import { ProgressFn, silentProgress } from "../core/progress";
import { defaultWorkerCount, startModuleWorker } from "../core/worker";
import type { DSetMetadataRow } from "./dset-reader";
import { discoverDSet } from "./dset-discovery";

/**
 * Per-trace work over a D-set spread across worker threads (image cache, feature table): the traces are
 * grouped into one job per worker, keeping a station's traces together so each worker opens few HDF5
 * files; each worker opens the D-set itself and reports one message per trace.
 */
export interface TraceJob<P = unknown> {
  readonly dsetDir: string;
  readonly stations: readonly string[];
  readonly names: readonly string[];
  /** Job parameters (structured-cloneable). */
  readonly params: P;
}

export type TraceJobMessage<R> =
  | { readonly kind: "result"; readonly name: string; readonly result: R }
  | { readonly kind: "skip"; readonly name: string; readonly file: string; readonly reason: string }
  | { readonly kind: "finished" }
  | { readonly kind: "error"; readonly message: string };

/** A job runner: the same function runs in-process (workers: 0) and inside a worker module. */
export type TraceJobRunner<P, R> = (job: TraceJob<P>, post: (m: TraceJobMessage<R>) => void) => Promise<void>;

export interface RunTraceJobsOptions<P, R> {
  readonly dsetDir: string;
  readonly params: P;
  /** Module whose top level runs `runner` on `workerData` (see `serveTraceJob`), for worker threads. */
  readonly workerModule: string;
  /** The same runner, used in-process when `workers` is 0. */
  readonly runner: TraceJobRunner<P, R>;
  /** Worker threads; 0 runs in this thread. @default the number of cores */
  readonly workers?: number;
  readonly onResult?: (name: string, result: R) => void;
  readonly onSkip?: (skip: { name: string; file: string; reason: string }) => void;
  readonly onProgress?: ProgressFn;
  /** Progress label. */
  readonly label?: string;
}

/** Runs `runner` over `rows`, in worker threads or in-process; resolves when every trace is reported. */
export async function runTraceJobs<P, R>(rows: readonly DSetMetadataRow[], options: RunTraceJobsOptions<P, R>): Promise<void> {
  if (rows.length === 0) return;
  const onProgress = options.onProgress ?? silentProgress;
  let done = 0;
  const handle = (m: TraceJobMessage<R>): void => {
    if (m.kind === "result") options.onResult?.(m.name, m.result);
    else if (m.kind === "skip") options.onSkip?.({ name: m.name, file: m.file, reason: m.reason });
    else return;
    onProgress(++done, rows.length, options.label);
  };
  const nWorkers = Math.min(options.workers ?? defaultWorkerCount(), rows.length);
  const jobs = groupByStation(rows, Math.max(1, nWorkers)).map(
    (group): TraceJob<P> => ({
      dsetDir: options.dsetDir,
      stations: [...new Set(group.map((r) => r.station))],
      names: group.map((r) => r.trace_name),
      params: options.params,
    }),
  );
  if (nWorkers === 0) {
    for (const job of jobs) await options.runner(job, handle);
    return;
  }
  await Promise.all(jobs.map((job) => runInWorker(options.workerModule, job, handle)));
}

/** Top level of a trace-job worker module: runs `runner` on the worker's job and reports back. */
export function serveTraceJob<P, R>(runner: TraceJobRunner<P, R>): void {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { parentPort, workerData } = require("node:worker_threads") as typeof import("node:worker_threads");
  const port = parentPort;
  if (!port) return;
  const post = (m: TraceJobMessage<R>) => port.postMessage(m);
  runner(workerData as TraceJob<P>, post)
    .then(() => post({ kind: "finished" }))
    .catch((e: unknown) => post({ kind: "error", message: e instanceof Error ? e.message : String(e) }));
}

/** Splits rows into at most `n` groups of similar size, keeping each station's rows together when it fits. */
export function groupByStation(rows: readonly DSetMetadataRow[], n: number): DSetMetadataRow[][] {
  const byStation = new Map<string, DSetMetadataRow[]>();
  for (const r of rows) {
    const list = byStation.get(r.station) ?? [];
    list.push(r);
    byStation.set(r.station, list);
  }
  const fair = Math.ceil(rows.length / n);
  const groups: DSetMetadataRow[][] = Array.from({ length: n }, () => []);
  for (const list of [...byStation.values()].sort((a, b) => b.length - a.length)) {
    for (let start = 0; start < list.length; start += fair) {
      const lightest = groups.reduce((best, g, i) => (g.length < groups[best].length ? i : best), 0);
      groups[lightest].push(...list.slice(start, start + fair));
    }
  }
  return groups.filter((g) => g.length > 0);
}

function runInWorker<R>(module: string, job: TraceJob<unknown>, handle: (m: TraceJobMessage<R>) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = startModuleWorker(module, { workerData: job });
    let settled = false;
    worker.on("message", (m: TraceJobMessage<R>) => {
      if (m.kind === "error") {
        settled = true;
        reject(new Error(`worker (${job.stations.join(", ")}) failed: ${m.message}`));
        void worker.terminate();
      } else if (m.kind === "finished") {
        settled = true;
        resolve();
      } else handle(m);
    });
    worker.on("error", (e) => {
      settled = true;
      reject(e);
    });
    worker.on("exit", (code) => {
      if (!settled) reject(new Error(`worker (${job.stations.join(", ")}) exited with code ${code} before finishing`));
    });
  });
}
