import fs from "node:fs";
import path from "node:path";
import { InputError } from "./errors";

/**
 * File-system failures as our own errors: an `InputError` that names the path the user knows (the folder
 * or the final file, never a temporary file), says what we were doing and what to do about it, and keeps
 * Node's error as its `cause` (with its `code`, such as EACCES).
 */
export class FileSystemError extends InputError {
  /** Node's error code (EACCES, ENOSPC, ...), or null when the cause had none. */
  readonly code: string | null;

  /**
   * @param where the path at fault, as the user knows it
   * @param doing what we were doing, as a verb phrase ("writing the feature table")
   * @param cause Node's error
   */
  constructor(where: string, doing: string, cause: unknown) {
    const code = (cause as NodeJS.ErrnoException | null)?.code ?? null;
    super(where, `${doing} failed: ${explainCode(code, cause)}`, { cause });
    this.code = code;
  }
}

/** What went wrong and what to do, for the error codes a user can act on. */
function explainCode(code: string | null, cause: unknown): string {
  switch (code) {
    case "EACCES":
    case "EPERM":
      return "permission denied (EACCES): make the folder writable for this user (chmod / chown), or choose another folder";
    case "EROFS":
      return "the file system is read-only (EROFS): choose a folder on a writable disk";
    case "ENOSPC":
      return "no space left on the device (ENOSPC): free some disk space or choose a folder on another disk";
    case "EDQUOT":
      return "disk quota exceeded (EDQUOT): free some space or choose a folder on another disk";
    case "ENOTDIR":
      return "a part of the path is a file, not a folder (ENOTDIR): choose another folder or move that file away";
    case "EISDIR":
      return "a folder is in the way of a file of that name (EISDIR): move the folder away or choose another path";
    case "EEXIST":
      return "a file is in the way of a folder of that name (EEXIST): move it away or choose another path";
    case "ENOENT":
      return "no such file or folder (ENOENT): was it moved or deleted while we worked?";
    case "EMFILE":
    case "ENFILE":
      return "too many open files: raise the limit (ulimit -n) or run fewer jobs at once";
    case "ENAMETOOLONG":
      return "the path is too long for this file system: choose a shorter folder";
    default:
      return `${code ?? "error"}: ${cause instanceof Error ? cause.message : String(cause)}`;
  }
}

/**
 * Runs `fn` and turns any file-system error it throws (one with a Node `code`) into a `FileSystemError`
 * naming `where`; other errors pass through unchanged.
 */
export function withFileSystemErrors<T>(where: string, doing: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof InputError) throw e;
    if (typeof (e as NodeJS.ErrnoException | null)?.code === "string") throw new FileSystemError(where, doing, e);
    throw e;
  }
}

/**
 * Checks, before any work starts, that `dir` exists or can be created and that this process can create,
 * rename and delete a file in it (the steps of an atomic write). `purpose` names what will be written
 * there ("the image cache"), for the message.
 * @returns the absolute folder
 * @throws FileSystemError naming the folder and what to do
 */
export function assertWritableDir(dir: string, purpose: string): string {
  const abs = path.resolve(dir);
  withFileSystemErrors(abs, `creating the folder for ${purpose}`, () => {
    if (fs.existsSync(abs) && !fs.statSync(abs).isDirectory()) {
      throw new InputError(abs, `is a file, not a folder: ${purpose} needs a folder here; move the file away or choose another folder`);
    }
    fs.mkdirSync(abs, { recursive: true });
  });
  const probe = path.join(abs, `.write-test.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  withFileSystemErrors(abs, `writing ${purpose} here`, () => {
    try {
      fs.writeFileSync(probe, "");
      fs.renameSync(probe, `${probe}.renamed`);
      fs.rmSync(`${probe}.renamed`);
    } finally {
      fs.rmSync(probe, { force: true });
      fs.rmSync(`${probe}.renamed`, { force: true });
    }
  });
  return abs;
}
