import fs from "node:fs";
import path from "node:path";
import { Worker, WorkerOptions } from "node:worker_threads";

/**
 * Starts a worker thread running the module `file` of this library, whether the library runs as compiled
 * JavaScript or as TypeScript source (tests through tsx, notebooks through tslab). For a `.ts` file the
 * worker first loads tsx's CommonJS hook, because Node 20 does not pass the parent's `--import tsx` on to
 * worker threads. `file` may be given with or without its extension; a compiled `.js` twin wins when this
 * library itself runs compiled.
 */
export function startModuleWorker(file: string, options: WorkerOptions = {}): Worker {
  const base = file.replace(/\.(ts|js)$/, "");
  const js = `${base}.js`;
  const ts = `${base}.ts`;
  if (path.extname(__filename) === ".js" && fs.existsSync(js)) return new Worker(js, options);
  if (!fs.existsSync(ts)) {
    if (fs.existsSync(js)) return new Worker(js, options);
    throw new Error(`worker module ${base}(.ts|.js) not found`);
  }
  let hook: string;
  try {
    hook = require.resolve("tsx/cjs");
  } catch (e) {
    throw new Error(`running the TypeScript worker ${ts} needs the tsx package (npm ci installs it)`, { cause: e });
  }
  return new Worker(`require(${JSON.stringify(hook)}); require(${JSON.stringify(ts)});`, { ...options, eval: true });
}

/** Number of worker threads to use by default: the machine's cores (at least 1). */
export function defaultWorkerCount(): number {
  const os = require("node:os") as typeof import("node:os");
  return Math.max(1, typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length);
}
