import fs from "node:fs";
import path from "node:path";

/**
 * Writes `data` to `file` atomically: first to a unique temporary file in the same folder, then a rename,
 * so an interrupted job never leaves a half-written file that a later run would trust.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/** Atomic JSON write (pretty-printed with two spaces, trailing newline). */
export function writeJsonAtomic(file: string, value: unknown): void {
  writeFileAtomic(file, JSON.stringify(value, null, 2) + "\n");
}

/** A temporary path beside `file` for writers that need a path (e.g. HDF5); rename with `commitTemp`. */
export function tempPathFor(file: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  return `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
}

/** Renames a finished temporary file onto its final name. */
export function commitTemp(tmp: string, file: string): void {
  fs.renameSync(tmp, file);
}
