import fs from "node:fs";
import { Worker, WorkerOptions } from "node:worker_threads";

/** How to start a worker thread on a module of this library: a file to run, or a bootstrap to evaluate. */
export interface ModuleWorkerLaunch {
  /** The compiled `.js` file, or (when `evalScript`) JavaScript that loads tsx's hook and then the `.ts` source. */
  readonly script: string;
  readonly evalScript: boolean;
}

/**
 * How this runtime can run the module `file` of this library in a worker thread, whether the library runs
 * as compiled JavaScript or as TypeScript source (tests through tsx, notebooks through tslab). A compiled
 * `.js` twin wins when this library itself runs compiled. For a `.ts` file the worker first loads tsx's
 * CommonJS hook, because Node 20 neither passes the parent's `--import tsx` on to worker threads nor starts
 * one from a `.ts` file; tsx is resolved from here, so any working folder will do. `file` may be given
 * with or without its extension. Throws an Error saying what is missing (the module, or tsx), for callers
 * that fall back to working in their own thread.
 */
export function moduleWorkerLaunch(file: string): ModuleWorkerLaunch {
  const base = file.replace(/\.(ts|js)$/, "");
  const js = `${base}.js`;
  const ts = `${base}.ts`;
  if (__filename.endsWith(".js") && fs.existsSync(js)) return { script: js, evalScript: false };
  if (!fs.existsSync(ts)) {
    if (fs.existsSync(js)) return { script: js, evalScript: false };
    throw new Error(`worker module ${base}(.ts|.js) not found`);
  }
  let hook: string;
  try {
    hook = require.resolve("tsx/cjs");
  } catch (e) {
    throw new Error(`running the TypeScript worker ${ts} needs the tsx package (npm ci installs it)`, { cause: e });
  }
  return { script: `require(${JSON.stringify(hook)}); require(${JSON.stringify(ts)});`, evalScript: true };
}

/**
 * Starts a worker thread running the module `file` of this library (see `moduleWorkerLaunch`, whose
 * errors it throws); `options` are Node's, `workerData` included.
 */
export function startModuleWorker(file: string, options: WorkerOptions = {}): Worker {
  const launch = moduleWorkerLaunch(file);
  return new Worker(launch.script, { ...options, eval: launch.evalScript });
}

/** A batch of tasks for `runWorkerTasks`: what the workers run and how tasks and answers travel. */
export interface WorkerTasks<Reply> {
  /** The worker module (see `moduleWorkerLaunch`) and the workerData every worker gets. */
  readonly file: string;
  readonly workerData: unknown;
  /** Worker threads to start (at least 1). */
  readonly nWorkers: number;
  /** Tasks 0 .. nTasks-1, handed out in this order to whichever worker is free. */
  readonly nTasks: number;
  /** Posts task `task` to `worker`; the worker answers it with exactly one message. */
  send(worker: Worker, task: number): void;
  /** Takes one answer; throwing (for an answer that reports a failure) ends the run with that error. */
  receive(reply: Reply): void;
  /**
   * Messages a worker may send while it works on a task (progress): return true for such a message, which is
   * then not taken as the task's answer. Throwing ends the run with that error.
   */
  interim?(message: unknown): boolean;
  /** The errors to reject with when a worker cannot start, crashes, or exits before the tasks are done. */
  readonly errors: {
    start(cause: Error): Error;
    crash(cause: Error): Error;
    exit(code: number): Error;
  };
}

/**
 * Runs `tasks.nTasks` tasks on `tasks.nWorkers` worker threads of one module: each worker gets the next
 * task as soon as it answers the previous one, so a slow task does not hold up the others. Resolves when
 * every task is answered; rejects at the first failure. Either way every worker is terminated.
 */
export function runWorkerTasks<Reply>(tasks: WorkerTasks<Reply>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const workers: Worker[] = [];
    let nextTask = 0;
    let nDone = 0;
    let settled = false;
    const finish = (error?: Error): void => {
      if (settled) return;
      settled = true;
      for (const w of workers) void w.terminate();
      if (error) reject(error);
      else resolve();
    };
    const giveNextTask = (worker: Worker): void => {
      if (nextTask >= tasks.nTasks) return;
      try {
        tasks.send(worker, nextTask++);
      } catch (e) {
        finish(asError(e));
      }
    };
    if (tasks.nTasks === 0) return finish();
    for (let i = 0; i < tasks.nWorkers && !settled; i++) {
      let worker: Worker;
      try {
        worker = startModuleWorker(tasks.file, { workerData: tasks.workerData });
      } catch (e) {
        return finish(tasks.errors.start(asError(e)));
      }
      workers.push(worker);
      worker.on("message", (reply: Reply) => {
        if (settled) return;
        try {
          if (tasks.interim?.(reply)) return;
          tasks.receive(reply);
        } catch (e) {
          return finish(asError(e));
        }
        if (++nDone === tasks.nTasks) finish();
        else giveNextTask(worker);
      });
      worker.on("error", (e: Error) => finish(tasks.errors.crash(e)));
      worker.on("exit", (code: number) => {
        if (!settled) finish(tasks.errors.exit(code));
      });
      giveNextTask(worker);
    }
  });
}

function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

/** Number of worker threads to use by default: the machine's cores (at least 1). */
export function defaultWorkerCount(): number {
  const os = require("node:os") as typeof import("node:os");
  return Math.max(1, typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length);
}
