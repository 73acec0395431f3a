/**
 * A cache entry made of several files, committed as one unit. The files are written first (each
 * atomically), under names that carry a hash of their bytes, `<stem>.<role>.<sha256 prefix>.<ext>`; then
 * the manifest `<stem>.json` is written (atomically) last, naming each file with its size and SHA-256 and
 * recording the key of what the entry was made from. Until the manifest is replaced, it names the previous
 * entry's files, which are still there; files no manifest names are removed after the commit. So a reader
 * sees a whole entry or none, whenever a writer is killed, and checks the bytes it reads against the
 * manifest. Writers hold the folder's lock (lib/core/cache-lock) while they write and clean up.
 */
import fs from "node:fs";
import path from "node:path";
import { isTempFileName, writeFileAtomic, writeJsonAtomic } from "./atomic";
import { sha256Hex } from "./cache-key";
import { withFileSystemErrors } from "./fs-errors";
import { killPoint } from "./kill-point";

/** One file of an entry, as its manifest names it. */
export interface CacheEntryFile {
  /** What the file holds ("table", "rows"), lower-case letters and dashes. */
  readonly role: string;
  /** File name in the entry's folder. */
  readonly name: string;
  readonly bytes: number;
  readonly sha256: string;
}

/** The manifest of an entry (`<stem>.json`). */
export interface CacheEntryManifest<M> {
  readonly format: "seismic-xai/cache-entry";
  readonly version: 1;
  /** What kind of entry ("feature-table"): an entry of another kind is never read as this one. */
  readonly kind: string;
  /** The key of what the entry was made from (lib/core/cache-key). */
  readonly key: string;
  readonly files: readonly CacheEntryFile[];
  /** The writer's own small metadata (plain JSON). */
  readonly meta: M;
}

/** What `readCacheEntry` found. */
export type CacheEntryRead<M> =
  | { readonly status: "ok"; readonly manifest: CacheEntryManifest<M>; readonly files: ReadonlyMap<string, Buffer> }
  | { readonly status: "absent" }
  /** Made from other inputs (another key) or by another kind or version of the writer. */
  | { readonly status: "stale"; readonly reason: string }
  /** A file missing, truncated or altered, or an unreadable manifest. */
  | { readonly status: "damaged"; readonly reason: string };

/** A file to commit: its role, extension and bytes. */
export interface CacheEntryInput {
  readonly role: string;
  /** Extension with its dot (".f64"). */
  readonly ext: string;
  readonly data: Uint8Array | string;
}

const MANIFEST_FORMAT = "seismic-xai/cache-entry";

/**
 * Commits the entry `<dir>/<stem>.json` (see the file comment): its files, then the manifest, then removes
 * the files of earlier entries of this stem and leftover temporary files. Call it holding the folder's lock.
 */
export function writeCacheEntry<M>(dir: string, stem: string, entry: { kind: string; key: string; meta: M; files: readonly CacheEntryInput[] }): CacheEntryManifest<M> {
  assertStem(stem);
  const files: CacheEntryFile[] = [];
  for (const f of entry.files) {
    if (!/^[a-z][a-z-]*$/.test(f.role) || !/^\.[a-z0-9]+$/.test(f.ext)) throw new Error(`writeCacheEntry: bad role ${f.role} or extension ${f.ext}`);
    const bytes = typeof f.data === "string" ? Buffer.from(f.data, "utf8") : f.data;
    const sha256 = sha256Hex(bytes);
    const name = `${stem}.${f.role}.${sha256.slice(0, 16)}${f.ext}`;
    writeFileAtomic(path.join(dir, name), bytes);
    files.push({ role: f.role, name, bytes: bytes.length, sha256 });
    killPoint(`cache-entry:${entry.kind}:file-written`);
  }
  const manifest: CacheEntryManifest<M> = { format: MANIFEST_FORMAT, version: 1, kind: entry.kind, key: entry.key, files, meta: entry.meta };
  writeJsonAtomic(path.join(dir, `${stem}.json`), manifest);
  killPoint(`cache-entry:${entry.kind}:committed`);
  removeUnnamedFiles(dir, stem, new Set(files.map((f) => f.name)));
  return manifest;
}

/**
 * Reads the entry `<dir>/<stem>.json` of kind `kind`, trusting it only when its key is `key` and every file
 * it names has the recorded size and SHA-256.
 */
export function readCacheEntry<M>(dir: string, stem: string, kind: string, key: string): CacheEntryRead<M> {
  assertStem(stem);
  const manifestFile = path.join(dir, `${stem}.json`);
  let text: string;
  try {
    text = fs.readFileSync(manifestFile, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return { status: "absent" };
    return { status: "damaged", reason: `${manifestFile} cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})` };
  }
  let manifest: CacheEntryManifest<M>;
  try {
    manifest = JSON.parse(text) as CacheEntryManifest<M>;
  } catch (e) {
    return { status: "damaged", reason: `${manifestFile} is not valid JSON (${(e as Error).message})` };
  }
  if (!manifest || manifest.format !== MANIFEST_FORMAT || manifest.version !== 1 || manifest.kind !== kind || !Array.isArray(manifest.files)) {
    return { status: "stale", reason: `${manifestFile} was written by another version of the program or is not a ${kind} entry` };
  }
  if (manifest.key !== key) return { status: "stale", reason: `${manifestFile} was made from other inputs (key ${String(manifest.key).slice(0, 12)}, now ${key.slice(0, 12)})` };
  const files = new Map<string, Buffer>();
  for (const f of manifest.files) {
    const file = path.join(dir, path.basename(String(f.name)));
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(file);
    } catch (e) {
      return { status: "damaged", reason: `${file}, named by ${path.basename(manifestFile)}, cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})` };
    }
    if (bytes.length !== f.bytes) return { status: "damaged", reason: `${file} has ${bytes.length} bytes, its manifest says ${f.bytes}` };
    if (sha256Hex(bytes) !== f.sha256) return { status: "damaged", reason: `${file} does not hold the bytes its manifest names (SHA-256 differs)` };
    files.set(f.role, bytes);
  }
  return { status: "ok", manifest, files };
}

/** Removes the entry `<dir>/<stem>.json` and its files (holding the folder's lock). */
export function removeCacheEntry(dir: string, stem: string): void {
  assertStem(stem);
  withFileSystemErrors(dir, "removing an outdated cache entry", () => fs.rmSync(path.join(dir, `${stem}.json`), { force: true }));
  removeUnnamedFiles(dir, stem, new Set());
}

/** Files of entries of `stem` that `keep` does not name, and temporary files left by killed writers. */
function removeUnnamedFiles(dir: string, stem: string, keep: ReadonlySet<string>): void {
  const pattern = new RegExp(`^${stem.replace(/[.-]/g, "\\$&")}\\.[a-z][a-z-]*\\.[0-9a-f]{16}\\.[a-z0-9]+$`);
  withFileSystemErrors(dir, "removing files of an outdated cache entry", () => {
    for (const name of fs.readdirSync(dir)) {
      if ((pattern.test(name) && !keep.has(name)) || (name.startsWith(`${stem}.`) && isTempFileName(name))) fs.rmSync(path.join(dir, name), { force: true });
    }
  });
}

function assertStem(stem: string): void {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(stem)) throw new Error(`cache entry stem must be lower-case letters, digits and dashes, got ${JSON.stringify(stem)}`);
}
