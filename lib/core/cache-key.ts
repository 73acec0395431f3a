/**
 * Keys that say what a cache entry was made from. A key is the SHA-256 (hex) of a canonical text of its
 * parts: objects with their keys sorted, typed arrays by their bytes, non-finite numbers spelled out (so NaN
 * and null, or 1 and "1", give different keys). Whatever could change the cached value goes into the key;
 * a reader recomputes the key from its own inputs and trusts an entry only when they agree.
 *
 * Files enter a key through `fileDigest`: the whole content for small files that define a data set (the
 * D-set's CSVs), and size, modification time and the first and last 64 KiB for big ones (the HDF5 files),
 * which a regenerated or re-downloaded file changes in practice; digests are remembered per process for a
 * file whose inode, size and times have not changed.
 */
import { createHash, type Hash } from "node:crypto";
import fs from "node:fs";
import { withFileSystemErrors } from "./fs-errors";

/** SHA-256 (64 hex digits) of the canonical form of `parts`. */
export function cacheKey(...parts: unknown[]): string {
  const hash = createHash("sha256");
  feed(hash, parts, new Set());
  return hash.digest("hex");
}

/** SHA-256 (hex) of bytes. */
export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function feed(hash: Hash, value: unknown, seen: Set<object>): void {
  if (value === null) return void hash.update("n;");
  switch (typeof value) {
    case "undefined":
      return void hash.update("u;");
    case "boolean":
      return void hash.update(value ? "t;" : "f;");
    case "number":
      // String(-0) is "0": keep the sign, which a float64 payload could carry.
      return void hash.update(`d${Object.is(value, -0) ? "-0" : String(value)};`);
    case "bigint":
      return void hash.update(`i${value.toString()};`);
    case "string":
      return void hash.update(`s${value.length}:${value}`);
    case "function":
    case "symbol":
      throw new TypeError(`cacheKey: a ${typeof value} cannot enter a key`);
  }
  const obj = value as object;
  if (ArrayBuffer.isView(obj)) {
    const bytes = new Uint8Array(obj.buffer, obj.byteOffset, obj.byteLength);
    hash.update(`b${obj.constructor.name}:${bytes.length}:`);
    return void hash.update(bytes);
  }
  if (seen.has(obj)) throw new TypeError("cacheKey: a value refers back to itself");
  seen.add(obj);
  if (Array.isArray(obj)) {
    hash.update(`a${obj.length}[`);
    for (const v of obj) feed(hash, v, seen);
    hash.update("]");
  } else {
    const keys = Object.keys(obj).filter((k) => (obj as Record<string, unknown>)[k] !== undefined).sort();
    hash.update(`o${keys.length}{`);
    for (const k of keys) {
      hash.update(`k${k.length}:${k}`);
      feed(hash, (obj as Record<string, unknown>)[k], seen);
    }
    hash.update("}");
  }
  seen.delete(obj);
}

/** How `fileDigest` reads a file. */
export type FileDigestMode = "content" | "quick";

/** Bytes read at each end of a file by a "quick" digest. */
const QUICK_EDGE_BYTES = 64 * 1024;
const remembered = new Map<string, string>();

/**
 * A digest of one file: "content" hashes every byte; "quick" hashes the size, the modification time and
 * the first and last 64 KiB (for files of gigabytes). Remembered for the process while the file's inode,
 * size, modification and change times stay the same.
 * @throws FileSystemError naming the file when it cannot be read
 */
export function fileDigest(file: string, mode: FileDigestMode): string {
  return withFileSystemErrors(file, "reading", () => {
    const st = fs.statSync(file, { bigint: true });
    const memo = `${mode}\u0000${file}\u0000${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
    const known = remembered.get(memo);
    if (known !== undefined) return known;
    const hash = createHash("sha256");
    const size = Number(st.size);
    if (mode === "content") {
      hash.update(fs.readFileSync(file));
    } else {
      hash.update(`${size}:${st.mtimeNs}:`);
      const fd = fs.openSync(file, "r");
      try {
        const head = Buffer.alloc(Math.min(QUICK_EDGE_BYTES, size));
        fs.readSync(fd, head, 0, head.length, 0);
        hash.update(head);
        const tailStart = Math.max(head.length, size - QUICK_EDGE_BYTES);
        const tail = Buffer.alloc(size - tailStart);
        if (tail.length > 0) fs.readSync(fd, tail, 0, tail.length, tailStart);
        hash.update(tail);
      } finally {
        fs.closeSync(fd);
      }
    }
    const digest = hash.digest("hex");
    remembered.set(memo, digest);
    return digest;
  });
}
