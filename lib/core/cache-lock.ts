/**
 * One writer per cache folder (or cache file): the run that writes holds a lock file naming itself (pid,
 * host, process start, command, purpose). A second run waits with a message until the first is done, or
 * stops at once with an error naming the other process; a lock left by a run that no longer exists (killed,
 * crashed) is broken, and the log says so. Readers do not lock: the writers commit their entries with one
 * rename (a manifest written last), and the readers check what they read.
 *
 * The lock file is made complete before it appears (written under a temporary name, then hard-linked to
 * its name, which fails when it exists), so nobody ever reads a half-written lock. Liveness: on the same
 * host, `kill(pid, 0)` and, on Linux, the process start time from /proc (a reused pid is not the owner);
 * a lock from another host is taken to be alive (its message names the host and the file to delete).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { InputError } from "./errors";
import { FileSystemError } from "./fs-errors";
import { displayPath } from "./display-path";

/** Who holds a lock, as written in the lock file. */
export interface LockOwner {
  readonly pid: number;
  readonly host: string;
  /** Start time of the process (Linux: clock ticks after boot, from /proc), null where unknown. */
  readonly processStart: string | null;
  /** When the lock was taken, ISO 8601 UTC. */
  readonly since: string;
  /** What the owner is writing ("the image cache"). */
  readonly purpose: string;
  /** The owner's command line (shortened). */
  readonly command: string;
  /** Unique per acquisition: release removes the file only while it still holds this token. */
  readonly token: string;
}

/** Options of `acquireLock`. */
export interface LockOptions {
  /** What the lock protects, for messages ("the image cache"). */
  readonly purpose: string;
  /**
   * How long to wait for another live process, in milliseconds; 0 stops at once with an error naming it.
   * @default Infinity (wait, with a message)
   */
  readonly waitMs?: number;
  /** Where the waiting and stale-lock messages go; `false` for silence. @default console.log */
  readonly log?: ((line: string) => void) | false;
  /** Milliseconds between two looks at a busy lock. @default 200 */
  readonly pollMs?: number;
}

/** A lock this process holds. */
export interface HeldLock {
  readonly file: string;
  readonly owner: LockOwner;
  /** Removes the lock file (if it is still this lock's); idempotent. */
  release(): void;
}

/** The lock file of a cache folder. */
export function lockFileOf(dir: string): string {
  return path.join(dir, ".lock");
}

/** The error of a lock held by another live process when the caller would not wait (longer). */
export class LockBusyError extends InputError {
  constructor(
    where: string,
    message: string,
    /** The process holding the lock. */
    readonly owner: LockOwner,
  ) {
    super(where, message);
  }
}

const held = new Map<string, HeldLock>();
let exitHookInstalled = false;
let ownStart: string | null | undefined;

/**
 * Takes the lock file `file` (its folder is created), waiting while another live process holds it (see
 * `LockOptions.waitMs`) and breaking a lock whose process is gone. Another call in this same process that
 * holds it counts as a live holder too.
 * @throws LockBusyError naming the other process when the wait is over; FileSystemError when the lock file
 *   cannot be written
 */
export async function acquireLock(file: string, options: LockOptions): Promise<HeldLock> {
  const abs = path.resolve(file);
  const waitMs = options.waitMs ?? Infinity;
  const pollMs = options.pollMs ?? 200;
  const log = options.log === undefined ? (line: string) => console.log(line) : options.log;
  const deadline = Date.now() + waitMs;
  let announced = false;
  try {
    fs.mkdirSync(path.dirname(abs), { recursive: true });
  } catch (e) {
    throw new FileSystemError(path.dirname(abs), `creating the folder of ${options.purpose}`, e);
  }
  for (;;) {
    const owner = newOwner(options.purpose);
    if (tryCreate(abs, owner, options.purpose)) {
      const lock: HeldLock = { file: abs, owner, release: () => releaseLock(abs, owner.token) };
      held.set(owner.token, lock);
      installExitHook();
      return lock;
    }
    const seen = readLockFile(abs);
    if (seen === "absent") continue;
    if (seen === "unreadable") {
      // A lock written by something else, or by a writer without hard links still filling it in.
      if (ageMs(abs) > 5000) breakLock(abs, null, log, `unreadable lock file ${abs}`);
      else await sleep(pollMs);
      continue;
    }
    const state = ownerState(seen.owner);
    if (state === "gone") {
      breakLock(abs, seen.raw, log, `stale lock of process ${seen.owner.pid} (${seen.owner.purpose}, since ${seen.owner.since}), which is no longer running`);
      continue;
    }
    if (Date.now() >= deadline) throw busyError(abs, seen.owner, waitMs);
    if (!announced && log) {
      log(`${describeOwner(seen.owner)} is writing ${options.purpose} in ${displayPath(path.dirname(abs))}: waiting for it to finish`);
      announced = true;
    }
    await sleep(Math.max(1, Math.min(pollMs, deadline - Date.now())));
  }
}

/** Runs `fn` holding the lock file `file` (see `acquireLock`), and releases it however `fn` ends. */
export async function withLock<T>(file: string, options: LockOptions, fn: (lock: HeldLock) => Promise<T>): Promise<T> {
  const lock = await acquireLock(file, options);
  try {
    return await fn(lock);
  } finally {
    lock.release();
  }
}

/**
 * The live process holding the lock file `file`, or null when it is free or its holder is gone: for
 * readers that find an entry missing and want to say that it is being written right now.
 */
export function lockHolder(file: string): LockOwner | null {
  const seen = readLockFile(path.resolve(file));
  if (seen === "absent" || seen === "unreadable") return null;
  return ownerState(seen.owner) === "gone" ? null : seen.owner;
}

/** "process 1234 on host (since ..., node script.js)" */
export function describeOwner(owner: LockOwner): string {
  const host = owner.host === os.hostname() ? "" : ` on host ${owner.host}`;
  return `process ${owner.pid}${host} (since ${owner.since}, ${owner.command})`;
}

function busyError(file: string, owner: LockOwner, waitMs: number): LockBusyError {
  const waited = waitMs > 0 && Number.isFinite(waitMs) ? ` after waiting ${(waitMs / 1000).toFixed(1)} s` : "";
  const sameHost = owner.host === os.hostname();
  return new LockBusyError(
    path.dirname(file),
    `${owner.purpose} here is being written by ${describeOwner(owner)}${waited}: wait for it to finish (or stop it) and run again` +
      (sameHost ? "" : `; if that process is not running any more, delete ${file}`),
    owner,
  );
}

function newOwner(purpose: string): LockOwner {
  return {
    pid: process.pid,
    host: os.hostname(),
    processStart: processStartOf(process.pid),
    since: new Date().toISOString(),
    purpose,
    command: process.argv.map((a) => path.basename(a)).join(" ").slice(0, 200),
    token: `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`,
  };
}

/** Creates the lock file complete with its content; false when it exists. */
function tryCreate(file: string, owner: LockOwner, purpose: string): boolean {
  const text = JSON.stringify(owner, null, 2) + "\n";
  const tmp = `${file}.${owner.token}.tmp`;
  try {
    fs.writeFileSync(tmp, text);
    try {
      fs.linkSync(tmp, file);
      return true;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EEXIST") return false;
      if (code !== "EPERM" && code !== "ENOTSUP" && code !== "ENOSYS" && code !== "EXDEV") throw e;
    }
    // A file system without hard links: exclusive create, then fill in (readers wait out the short gap).
    try {
      fs.writeFileSync(file, text, { flag: "wx" });
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
      throw e;
    }
  } catch (e) {
    throw new FileSystemError(path.dirname(file), `taking the lock of ${purpose}`, e);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

type LockRead = "absent" | "unreadable" | { readonly owner: LockOwner; readonly raw: string };

function readLockFile(file: string): LockRead {
  let raw: string;
  try {
    raw = fs.readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return "absent";
    throw new FileSystemError(file, "reading the lock file", e);
  }
  try {
    const owner = JSON.parse(raw) as LockOwner;
    if (!Number.isInteger(owner.pid) || typeof owner.host !== "string" || typeof owner.token !== "string") return "unreadable";
    return { owner, raw };
  } catch {
    return "unreadable";
  }
}

function ageMs(file: string): number {
  try {
    return Date.now() - fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/** "alive" (running, or on another host where we cannot tell), or "gone". */
function ownerState(owner: LockOwner): "alive" | "gone" {
  if (owner.host !== os.hostname()) return "alive";
  if (owner.pid === process.pid) return held.has(owner.token) ? "alive" : "gone";
  try {
    process.kill(owner.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EPERM") return "gone";
  }
  if (owner.processStart !== null) {
    const now = processStartOf(owner.pid);
    if (now !== null && now !== owner.processStart) return "gone";
  }
  return "alive";
}

/**
 * Removes a lock judged stale. It is first renamed away, which is atomic: if what was renamed turns out
 * not to be the lock judged stale (another run broke it and took a new one in between), it is put back.
 */
function breakLock(file: string, expectedRaw: string | null, log: ((line: string) => void) | false, why: string): void {
  const aside = `${file}.broken.${process.pid}.${Math.random().toString(36).slice(2)}`;
  try {
    fs.renameSync(file, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return;
    throw new FileSystemError(file, "removing a stale lock", e);
  }
  let raw: string | null = null;
  try {
    raw = fs.readFileSync(aside, "utf8");
  } catch {
    raw = null;
  }
  if (expectedRaw !== null && raw !== expectedRaw) {
    try {
      fs.linkSync(aside, file);
    } catch {
      // A third run took the lock meanwhile; the one moved aside was taken after ours was judged: rare
      // enough (three runs starting within one poll around a dead lock) to accept.
    }
  } else if (log) {
    log(`${displayPath(path.dirname(file))}: removed the ${why}`);
  }
  fs.rmSync(aside, { force: true });
}

function releaseLock(file: string, token: string): void {
  if (!held.delete(token)) return;
  const seen = readLockFileQuietly(file);
  if (seen !== null && seen.owner.token === token) fs.rmSync(file, { force: true });
}

function readLockFileQuietly(file: string): { owner: LockOwner } | null {
  try {
    const seen = readLockFile(file);
    return typeof seen === "object" ? seen : null;
  } catch {
    return null;
  }
}

/** Locks still held when the process exits normally are removed (a kill leaves them for `ownerState`). */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const lock of [...held.values()]) lock.release();
  });
}

/** Linux: field 22 of /proc/<pid>/stat (start time in clock ticks after boot); null elsewhere. */
function processStartOf(pid: number): string | null {
  if (pid === process.pid && ownStart !== undefined) return ownStart;
  let start: string | null = null;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    start = fields[19] ?? null;
  } catch {
    start = null;
  }
  if (pid === process.pid) ownStart = start;
  return start;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
