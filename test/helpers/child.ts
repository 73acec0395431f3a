// Runs test/helpers/cache-child.ts in a child process (tsx), for tests of kill -9 and of concurrent runs.
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from "node:child_process";
import path from "node:path";

const SCRIPT = path.join(__dirname, "cache-child.ts");
const ROOT = path.resolve(__dirname, "..", "..");

/** The outcome of a child run. */
export interface ChildResult {
  readonly pid: number;
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of a child run: the kill point (SEISMIC_XAI_KILL_AT) and, as root, another user to run as. */
export interface ChildOptions {
  readonly killAt?: string;
  readonly uid?: number;
  readonly gid?: number;
}

function childEnv(options: ChildOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.SEISMIC_XAI_KILL_AT;
  // The parent's test-runner hooks must not leak into the child.
  delete env.NODE_TEST_CONTEXT;
  if (options.killAt) env.SEISMIC_XAI_KILL_AT = options.killAt;
  return env;
}

function spawnOptions(options: ChildOptions): SpawnOptions {
  return { cwd: ROOT, env: childEnv(options), uid: options.uid, gid: options.gid };
}

/** Runs one job to its end (or its kill). */
export function runChild(job: object, options: ChildOptions = {}): ChildResult {
  const r = spawnSync(process.execPath, ["--import", "tsx", SCRIPT, JSON.stringify(job)], { ...spawnOptions(options), encoding: "utf8" });
  return { pid: r.pid, status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Starts one job; `result` settles when it ends; `waitFor` resolves once its stdout or stderr matches. */
export function startChild(job: object, options: ChildOptions = {}): { child: ChildProcess; result: Promise<ChildResult>; waitFor(re: RegExp): Promise<void> } {
  const child = spawn(process.execPath, ["--import", "tsx", SCRIPT, JSON.stringify(job)], { ...spawnOptions(options), stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  const waiters: { re: RegExp; resolve: () => void }[] = [];
  const check = () => {
    for (let i = waiters.length - 1; i >= 0; i--) {
      if (waiters[i].re.test(stdout + stderr)) waiters.splice(i, 1)[0].resolve();
    }
  };
  child.stdout!.on("data", (d) => {
    stdout += d;
    check();
  });
  child.stderr!.on("data", (d) => {
    stderr += d;
    check();
  });
  const result = new Promise<ChildResult>((resolve) => child.on("close", (status, signal) => resolve({ pid: child.pid!, status, signal, stdout, stderr })));
  return {
    child,
    result,
    waitFor: (re) =>
      new Promise<void>((resolve, reject) => {
        if (re.test(stdout + stderr)) return resolve();
        waiters.push({ re, resolve });
        void result.then(() => (re.test(stdout + stderr) ? resolve() : reject(new Error(`child ended without printing ${re}:\n${stdout}\n${stderr}`))));
      }),
  };
}
