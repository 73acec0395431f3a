import fs from "node:fs";
import path from "node:path";
import { withFileSystemErrors } from "./fs-errors";

/**
 * Writes `data` to `file` atomically: first to a unique temporary file in the same folder, then a rename,
 * so an interrupted job never leaves a half-written file that a later run would trust. A file-system
 * failure is a `FileSystemError` naming `file` (not the temporary file) and what to do.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  withFileSystemErrors(file, "writing", () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = tempName(file);
    try {
      fs.writeFileSync(tmp, data);
      fs.renameSync(tmp, file);
    } catch (e) {
      fs.rmSync(tmp, { force: true });
      throw e;
    }
  });
}

/** Atomic JSON write (pretty-printed with two spaces, trailing newline). */
export function writeJsonAtomic(file: string, value: unknown): void {
  writeFileAtomic(file, JSON.stringify(value, null, 2) + "\n");
}

/** A temporary path beside `file` for writers that need a path (e.g. HDF5); rename with `commitTemp`. */
export function tempPathFor(file: string): string {
  withFileSystemErrors(path.dirname(file), "creating the folder", () => fs.mkdirSync(path.dirname(file), { recursive: true }));
  return tempName(file);
}

/** Renames a finished temporary file onto its final name. */
export function commitTemp(tmp: string, file: string): void {
  withFileSystemErrors(file, "writing", () => fs.renameSync(tmp, file));
}

/** True for the names `writeFileAtomic` and `tempPathFor` give their temporary files. */
export function isTempFileName(name: string): boolean {
  return /\.\d+\.[0-9a-z]*\.tmp$/.test(name);
}

function tempName(file: string): string {
  return `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
}
