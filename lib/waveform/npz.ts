/**
 * Reader for NumPy's `.npz` archives (numpy.savez / savez_compressed): a ZIP file whose members are
 * `.npy` files. The ZIP structure is read from its central directory (PKWARE APPNOTE 4.3: end of central
 * directory record, ZIP64 records and extra fields, local headers), members stored or deflated, each
 * checked against its CRC-32.
 */
import fs from "node:fs";
import zlib from "node:zlib";
import { InputError } from "../core/errors";
import { crc32 } from "../core/crc32";
import { NdArray, readNpy } from "./npy";

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_END = 0x06054b50;
const SIG_ZIP64_END = 0x06064b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;

/**
 * Reads every array of an `.npz` archive, given as a file path or as its bytes. Keys are the member names
 * without their `.npy` suffix, as numpy.load gives them (`data`, `itp`, ...). Errors are InputErrors naming
 * the file (`where`, default the path) and the member: not a ZIP archive, truncated or corrupt (bad
 * offsets, CRC mismatch, invalid deflate stream), encrypted or with an unsupported compression method, a
 * member that is not a `.npy` file, or any `.npy` error from {@link readNpy}.
 */
export function readNpz(source: string | Uint8Array, where?: string): Record<string, NdArray> {
  let bytes: Uint8Array;
  if (typeof source === "string") {
    where = where ?? source;
    try {
      bytes = fs.readFileSync(source);
    } catch (e) {
      throw new InputError(where, `cannot read the file (${(e as Error).message})`, { cause: e });
    }
  } else {
    bytes = source;
  }
  const name = where ?? "npz";
  const arrays: Record<string, NdArray> = {};
  for (const entry of readZipDirectory(bytes, name)) {
    if (entry.fileName.endsWith("/")) continue; // a directory entry holds no data
    const memberWhere = `${name}: ${entry.fileName}`;
    const content = extractMember(bytes, entry, memberWhere);
    const key = entry.fileName.endsWith(".npy") ? entry.fileName.slice(0, -4) : entry.fileName;
    // defineProperty, so that a member named "__proto__" is stored like any other.
    Object.defineProperty(arrays, key, { value: readNpy(content, memberWhere), enumerable: true, writable: true, configurable: true });
  }
  return arrays;
}

/** One member as the central directory describes it. */
interface ZipEntry {
  fileName: string;
  flags: number;
  method: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

function readZipDirectory(bytes: Uint8Array, where: string): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (p: number): number => view.getUint16(p, true);
  const u32 = (p: number): number => view.getUint32(p, true);
  const u64 = (p: number): number => {
    const v = Number(view.getBigUint64(p, true));
    if (!Number.isSafeInteger(v)) throw new InputError(where, `corrupt: a ZIP64 size or offset (${v}) is out of range`);
    return v;
  };
  // The end record sits in the last 22 bytes plus a comment of at most 65535 bytes.
  let end = -1;
  if (bytes.length < 22) throw new InputError(where, `not a ZIP (.npz) archive, or truncated: only ${bytes.length} bytes`);
  for (let p = bytes.length - 22; p >= Math.max(0, bytes.length - 22 - 0xffff); p--) {
    if (u32(p) === SIG_END && p + 22 + u16(p + 20) <= bytes.length) {
      end = p;
      break;
    }
  }
  if (end < 0) {
    const isZip = bytes.length >= 4 && u32(0) === SIG_LOCAL;
    throw new InputError(where, isZip ? "truncated: the ZIP end-of-central-directory record is missing" : "not a ZIP (.npz) archive");
  }
  if (u16(end + 4) !== 0 || u16(end + 6) !== 0) throw new InputError(where, "multi-volume ZIP archives are not supported");
  let count = u16(end + 10);
  let cdSize = u32(end + 12);
  let cdOffset = u32(end + 16);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const locator = end - 20;
    if (locator < 0 || u32(locator) !== SIG_ZIP64_LOCATOR) throw new InputError(where, "corrupt: ZIP64 locator missing");
    const z64 = u64(locator + 8);
    if (z64 + 56 > bytes.length || u32(z64) !== SIG_ZIP64_END) throw new InputError(where, "corrupt: ZIP64 end record missing");
    count = u64(z64 + 32);
    cdSize = u64(z64 + 40);
    cdOffset = u64(z64 + 48);
  }
  if (cdOffset + cdSize > bytes.length) {
    throw new InputError(where, `truncated or corrupt: the central directory (${cdSize} bytes at ${cdOffset}) lies beyond the end (${bytes.length} bytes)`);
  }
  const entries: ZipEntry[] = [];
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cdOffset + cdSize || u32(p) !== SIG_CENTRAL) throw new InputError(where, `corrupt: central directory entry ${i} is damaged`);
    const nameLength = u16(p + 28);
    const extraLength = u16(p + 30);
    const commentLength = u16(p + 32);
    if (p + 46 + nameLength + extraLength + commentLength > cdOffset + cdSize) {
      throw new InputError(where, `corrupt: central directory entry ${i} overruns the directory`);
    }
    const nameBytes = bytes.subarray(p + 46, p + 46 + nameLength);
    // Bit 11: the name is utf-8; otherwise IBM cp437, identical to ASCII for numpy's member names.
    const fileName = new TextDecoder(u16(p + 8) & 0x800 ? "utf-8" : "latin1").decode(nameBytes);
    const entry: ZipEntry = {
      fileName,
      flags: u16(p + 8),
      method: u16(p + 10),
      crc32: u32(p + 16),
      compressedSize: u32(p + 20),
      uncompressedSize: u32(p + 24),
      localHeaderOffset: u32(p + 42),
    };
    // ZIP64 extra field (id 1): 8-byte values for exactly those fields saturated at 0xffffffff, in this order.
    let e = p + 46 + nameLength;
    const extraEnd = e + extraLength;
    while (e + 4 <= extraEnd) {
      const id = u16(e);
      const size = u16(e + 2);
      if (id === 0x0001) {
        let q = e + 4;
        const take = (): number => {
          if (q + 8 > e + 4 + size) throw new InputError(`${where}: ${fileName}`, "corrupt ZIP64 extra field");
          const v = u64(q);
          q += 8;
          return v;
        };
        if (entry.uncompressedSize === 0xffffffff) entry.uncompressedSize = take();
        if (entry.compressedSize === 0xffffffff) entry.compressedSize = take();
        if (entry.localHeaderOffset === 0xffffffff) entry.localHeaderOffset = take();
      }
      e += 4 + size;
    }
    entries.push(entry);
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

function extractMember(bytes: Uint8Array, entry: ZipEntry, where: string): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (entry.flags & 0x1) throw new InputError(where, "encrypted ZIP members are not supported");
  const h = entry.localHeaderOffset;
  if (h + 30 > bytes.length || view.getUint32(h, true) !== SIG_LOCAL) {
    throw new InputError(where, `truncated or corrupt: no local file header at byte ${h}`);
  }
  // The local header's name and extra lengths may differ from the central directory's.
  const start = h + 30 + view.getUint16(h + 26, true) + view.getUint16(h + 28, true);
  const stop = start + entry.compressedSize;
  if (stop > bytes.length) {
    throw new InputError(where, `truncated: the member needs ${entry.compressedSize} bytes from byte ${start}, the archive ends at ${bytes.length}`);
  }
  const stored = bytes.subarray(start, stop);
  let content: Uint8Array;
  if (entry.method === 0) {
    content = stored;
  } else if (entry.method === 8) {
    try {
      content = zlib.inflateRawSync(stored);
    } catch (e) {
      throw new InputError(where, `corrupt deflate stream (${(e as Error).message})`, { cause: e });
    }
  } else {
    throw new InputError(where, `unsupported ZIP compression method ${entry.method} (only stored and deflate)`);
  }
  if (content.length !== entry.uncompressedSize) {
    throw new InputError(where, `corrupt: ${content.length} bytes after decompression, the directory says ${entry.uncompressedSize}`);
  }
  const crc = crc32(content);
  if (crc !== entry.crc32) {
    throw new InputError(where, `corrupt: CRC-32 0x${crc.toString(16)} does not match the directory's 0x${entry.crc32.toString(16)}`);
  }
  return content;
}

