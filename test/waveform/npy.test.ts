import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { requireRealData } from "../helpers/golden";
import { InputError } from "../../lib/core/errors";
import { ndArrayToFloat64, readNpy } from "../../lib/waveform/npy";
import { readNpz } from "../../lib/waveform/npz";
import { crc32 } from "../../lib/core/crc32";

// ---------- builders: .npy files and ZIP archives written by hand, byte by byte ----------

/** A .npy file as numpy writes it: magic, version, header padded with spaces to a multiple of 64, "\n". */
function npy(descr: string, shape: number[], payload: Uint8Array, options: { fortran?: boolean; version?: 1 | 2 | 3 } = {}): Uint8Array {
  const version = options.version ?? 1;
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  let header = `{'descr': '${descr}', 'fortran_order': ${options.fortran ? "True" : "False"}, 'shape': ${shapeText}, }`;
  const prefix = version === 1 ? 10 : 12;
  const total = Math.ceil((prefix + header.length + 1) / 64) * 64;
  header = header.padEnd(total - prefix - 1, " ") + "\n";
  const headerBytes = Buffer.from(header, version === 3 ? "utf8" : "latin1");
  const out = new Uint8Array(prefix + headerBytes.length + payload.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, headerBytes.length, true);
  else view.setUint32(8, headerBytes.length, true);
  out.set(headerBytes, prefix);
  out.set(payload, prefix + headerBytes.length);
  return out;
}

function bytesOf(values: number[], size: number, write: (v: DataView, p: number, x: number) => void): Uint8Array {
  const out = new Uint8Array(values.length * size);
  const view = new DataView(out.buffer);
  values.forEach((x, i) => write(view, i * size, x));
  return out;
}
const f8 = (xs: number[], le = true) => bytesOf(xs, 8, (v, p, x) => v.setFloat64(p, x, le));
const f4 = (xs: number[], le = true) => bytesOf(xs, 4, (v, p, x) => v.setFloat32(p, x, le));
const i4 = (xs: number[], le = true) => bytesOf(xs, 4, (v, p, x) => v.setInt32(p, x, le));
const i2 = (xs: number[], le = true) => bytesOf(xs, 2, (v, p, x) => v.setInt16(p, x, le));
const u2 = (xs: number[], le = true) => bytesOf(xs, 2, (v, p, x) => v.setUint16(p, x, le));
const u4 = (xs: number[], le = true) => bytesOf(xs, 4, (v, p, x) => v.setUint32(p, x, le));
const i8 = (xs: bigint[], le = true) => {
  const out = new Uint8Array(xs.length * 8);
  xs.forEach((x, i) => new DataView(out.buffer).setBigInt64(i * 8, x, le));
  return out;
};
function utf32(strings: string[], chars: number, le = true): Uint8Array {
  const out = new Uint8Array(strings.length * chars * 4);
  const view = new DataView(out.buffer);
  strings.forEach((s, i) => [...s].forEach((ch, j) => view.setUint32((i * chars + j) * 4, ch.codePointAt(0) as number, le)));
  return out;
}

interface Member {
  name: string;
  content: Uint8Array;
  deflate?: boolean;
}

/** A ZIP archive (local headers, data, central directory, end record), optionally in ZIP64 form. */
function zip(members: Member[], options: { zip64?: boolean } = {}): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const m of members) {
    const name = Buffer.from(m.name, "utf8");
    const data = m.deflate ? zlib.deflateRawSync(m.content) : m.content;
    const crc = crc32(m.content);
    const local = new Uint8Array(30 + name.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true);
    lv.setUint16(8, m.deflate ? 8 : 0, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, data.length, true);
    lv.setUint32(22, m.content.length, true);
    lv.setUint16(26, name.length, true);
    local.set(name, 30);
    const extra = options.zip64 ? new Uint8Array(28) : new Uint8Array(0);
    if (options.zip64) {
      const ev = new DataView(extra.buffer);
      ev.setUint16(0, 1, true);
      ev.setUint16(2, 24, true);
      ev.setBigUint64(4, BigInt(m.content.length), true);
      ev.setBigUint64(12, BigInt(data.length), true);
      ev.setBigUint64(20, BigInt(offset), true);
    }
    const entry = new Uint8Array(46 + name.length + extra.length);
    const cv = new DataView(entry.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 0x314, true);
    cv.setUint16(6, 20, true);
    cv.setUint16(10, m.deflate ? 8 : 0, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, options.zip64 ? 0xffffffff : data.length, true);
    cv.setUint32(24, options.zip64 ? 0xffffffff : m.content.length, true);
    cv.setUint16(28, name.length, true);
    cv.setUint16(30, extra.length, true);
    cv.setUint32(42, options.zip64 ? 0xffffffff : offset, true);
    entry.set(name, 46);
    entry.set(extra, 46 + name.length);
    parts.push(local, data);
    central.push(entry);
    offset += local.length + data.length;
  }
  const cdSize = central.reduce((n, c) => n + c.length, 0);
  const tail: Uint8Array[] = [];
  if (options.zip64) {
    const rec = new Uint8Array(56);
    const rv = new DataView(rec.buffer);
    rv.setUint32(0, 0x06064b50, true);
    rv.setBigUint64(4, 44n, true);
    rv.setBigUint64(24, BigInt(members.length), true);
    rv.setBigUint64(32, BigInt(members.length), true);
    rv.setBigUint64(40, BigInt(cdSize), true);
    rv.setBigUint64(48, BigInt(offset), true);
    const loc = new Uint8Array(20);
    const lv = new DataView(loc.buffer);
    lv.setUint32(0, 0x07064b50, true);
    lv.setBigUint64(8, BigInt(offset + cdSize), true);
    lv.setUint32(16, 1, true);
    tail.push(rec, loc);
  }
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, options.zip64 ? 0xffff : members.length, true);
  ev.setUint16(10, options.zip64 ? 0xffff : members.length, true);
  ev.setUint32(12, options.zip64 ? 0xffffffff : cdSize, true);
  ev.setUint32(16, options.zip64 ? 0xffffffff : offset, true);
  return Buffer.concat([...parts, ...central, ...tail, end]);
}

function throwsInput(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof InputError, `expected an InputError, got ${e}`);
    assert.match((e as Error).message, pattern);
    return true;
  });
}

// ---------- .npy ----------

test("readNpy: little-endian float64 in C order, header v1", () => {
  const a = readNpy(npy("<f8", [2, 3], f8([1, 2, 3, 4.5, -5, 6e300])));
  assert.deepEqual(a.shape, [2, 3]);
  assert.equal(a.dtype, "<f8");
  assert.equal(a.fortranOrder, false);
  assert.ok(a.data instanceof Float64Array);
  assert.deepEqual(Array.from(a.data as Float64Array), [1, 2, 3, 4.5, -5, 6e300]);
});

test("readNpy: big-endian values are byte-swapped", () => {
  assert.deepEqual(Array.from(readNpy(npy(">f8", [3], f8([1.5, -2, Math.PI], false))).data as Float64Array), [1.5, -2, Math.PI]);
  assert.deepEqual(Array.from(readNpy(npy(">i4", [3], i4([1, -2, 2147483647], false))).data as Int32Array), [1, -2, 2147483647]);
  assert.deepEqual(Array.from(readNpy(npy(">u2", [2], u2([1, 65535], false))).data as Uint16Array), [1, 65535]);
  assert.deepEqual(Array.from(readNpy(npy(">i8", [2], i8([-7n, 1n << 40n], false))).data as Float64Array), [-7, 2 ** 40]);
});

test("readNpy: Fortran-order arrays come back in row-major order", () => {
  // The 2 x 3 matrix [[1, 2, 3], [4, 5, 6]] stored column by column.
  const a = readNpy(npy("<f4", [2, 3], f4([1, 4, 2, 5, 3, 6]), { fortran: true }));
  assert.equal(a.fortranOrder, true);
  assert.ok(a.data instanceof Float32Array);
  assert.deepEqual(Array.from(a.data as Float32Array), [1, 2, 3, 4, 5, 6]);
  // 2 x 3 x 4 with value = 100 i + 10 j + k: Fortran offset i + 2 j + 6 k.
  const shape = [2, 3, 4];
  const fortran: number[] = new Array(24);
  for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) fortran[i + 2 * j + 6 * k] = 100 * i + 10 * j + k;
  const b = readNpy(npy("<i4", shape, i4(fortran), { fortran: true }));
  const expected: number[] = [];
  for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) expected.push(100 * i + 10 * j + k);
  assert.deepEqual(Array.from(b.data as Int32Array), expected);
});

test("readNpy: integer, boolean and byte dtypes", () => {
  assert.deepEqual(Array.from(readNpy(npy("<i8", [3], i8([3000n, -1n, 2n ** 53n]))).data as Float64Array), [3000, -1, 2 ** 53]);
  assert.deepEqual(Array.from(readNpy(npy("<i2", [2], i2([-32768, 5]))).data as Int16Array), [-32768, 5]);
  assert.deepEqual(Array.from(readNpy(npy("<u4", [1], u4([4294967295]))).data as Uint32Array), [4294967295]);
  const u1 = readNpy(npy("|u1", [3], Uint8Array.from([0, 128, 255])));
  assert.ok(u1.data instanceof Uint8Array);
  assert.deepEqual(Array.from(u1.data as Uint8Array), [0, 128, 255]);
  assert.deepEqual(Array.from(readNpy(npy("|i1", [2], Uint8Array.from([255, 1]))).data as Int8Array), [-1, 1]);
  assert.deepEqual(Array.from(readNpy(npy("|b1", [3], Uint8Array.from([0, 1, 1]))).data as Uint8Array), [0, 1, 1]);
});

test("readNpy: unicode and byte strings, trailing NULs stripped", () => {
  const u = readNpy(npy("<U11", [2], utf32(["HHE_HHN_HHZ", "Zé😀"], 11)));
  assert.deepEqual(u.data, ["HHE_HHN_HHZ", "Zé😀"]);
  assert.deepEqual(readNpy(npy(">U3", [1], utf32(["abc"], 3, false))).data, ["abc"]);
  const s = readNpy(npy("|S4", [2], Uint8Array.from([0x61, 0x62, 0, 0, 0xe9, 0x7a, 0x7a, 0x7a])));
  assert.deepEqual(s.data, ["ab", "\u00e9zzz"]);
});

test("readNpy: format versions 2.0 and 3.0, scalars and empty arrays", () => {
  assert.deepEqual(Array.from(readNpy(npy("<f8", [2], f8([7, 8]), { version: 2 })).data as Float64Array), [7, 8]);
  assert.deepEqual(Array.from(readNpy(npy("<f8", [2], f8([7, 8]), { version: 3 })).data as Float64Array), [7, 8]);
  const scalar = readNpy(npy("<i8", [], i8([3000n])));
  assert.deepEqual(scalar.shape, []);
  assert.deepEqual(Array.from(scalar.data as Float64Array), [3000]);
  const empty = readNpy(npy("<f8", [0, 3], new Uint8Array(0)));
  assert.deepEqual(empty.shape, [0, 3]);
  assert.equal(empty.data.length, 0);
});

test("readNpy: Python 2 long-integer shapes (3L, 2L)", () => {
  const file = npy("<f8", [3, 2], f8([1, 2, 3, 4, 5, 6]));
  const text = Buffer.from(file).toString("latin1").replace("(3, 2), }    ", "(3L, 2L), }  ");
  const a = readNpy(Buffer.from(text, "latin1"));
  assert.deepEqual(a.shape, [3, 2]);
  assert.deepEqual(Array.from(a.data as Float64Array), [1, 2, 3, 4, 5, 6]);
});

test("readNpy: the data owns its memory (an unaligned source buffer is fine)", () => {
  const file = npy("<f8", [2], f8([1, 2]));
  const shifted = new Uint8Array(file.length + 3);
  shifted.set(file, 3);
  const a = readNpy(shifted.subarray(3));
  shifted.fill(0);
  assert.deepEqual(Array.from(a.data as Float64Array), [1, 2]);
});

test("readNpy: bad input gives InputErrors naming the file", () => {
  const good = npy("<f8", [4], f8([1, 2, 3, 4]));
  throwsInput(() => readNpy(good.subarray(0, good.length - 5), "x.npy"), /^x\.npy: truncated: shape \(4\) of <f8 needs 32 bytes of data, found 27/);
  throwsInput(() => readNpy(good.subarray(0, 40), "x.npy"), /^x\.npy: truncated: the header claims/);
  throwsInput(() => readNpy(good.subarray(0, 6), "x.npy"), /not a \.npy file/);
  throwsInput(() => readNpy(Buffer.concat([good, new Uint8Array(8)]), "x.npy"), /8 unexpected bytes after the array data/);
  throwsInput(() => readNpy(Buffer.from("PK\u0003\u0004 not npy at all"), "x.npy"), /not a \.npy file/);
  throwsInput(() => readNpy(npy("<c16", [1], new Uint8Array(16)), "x.npy"), /unsupported dtype '<c16' \(complex\)/);
  throwsInput(() => readNpy(npy("|O", [1], new Uint8Array(8)), "x.npy"), /unsupported dtype '\|O'/);
  throwsInput(() => readNpy(npy("<i8", [1], i8([2n ** 53n + 1n])), "x.npy"), /9007199254740993 at index 0 does not fit a float64 exactly/);
  const structured = npy("<f8", [1], f8([1]));
  const text = Buffer.from(structured).toString("latin1").replace("'descr': '<f8',", "'descr': [('a', '<f8')],");
  throwsInput(() => readNpy(Buffer.from(text, "latin1"), "x.npy"), /structured \(record\) dtypes are not supported/);
  const version9 = Uint8Array.from(good);
  version9[6] = 9;
  throwsInput(() => readNpy(version9, "x.npy"), /unsupported \.npy format version 9\.0/);
  const noShape = Buffer.from(Buffer.from(good).toString("latin1").replace("'shape'", "'shapf'"), "latin1");
  throwsInput(() => readNpy(noShape, "x.npy"), /no 'shape' key/);
});

test("ndArrayToFloat64 converts numeric arrays and refuses strings", () => {
  assert.deepEqual(Array.from(ndArrayToFloat64(readNpy(npy("<i2", [2], i2([-3, 4]))))), [-3, 4]);
  throwsInput(() => ndArrayToFloat64(readNpy(npy("<U1", [1], utf32(["a"], 1))), "m"), /^m: array of <U1 strings is not numeric/);
});

// ---------- .npz ----------

const dataNpy = npy("<f8", [3, 2], f8([1, 2, 3, 4, 5, 6]));
const itpNpy = npy("<i8", [], i8([3000n]));
const namesNpy = npy("<U11", [], utf32(["HHE_HHN_HHZ"], 11));

test("readNpz: stored and deflated members, keys without .npy", () => {
  const arrays = readNpz(
    zip([
      { name: "data.npy", content: dataNpy },
      { name: "itp.npy", content: itpNpy, deflate: true },
      { name: "channels.npy", content: namesNpy, deflate: true },
    ]),
  );
  assert.deepEqual(Object.keys(arrays), ["data", "itp", "channels"]);
  assert.deepEqual(Array.from(arrays.data.data as Float64Array), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(arrays.data.shape, [3, 2]);
  assert.deepEqual(Array.from(arrays.itp.data as Float64Array), [3000]);
  assert.deepEqual(arrays.channels.data, ["HHE_HHN_HHZ"]);
});

test("readNpz: ZIP64 records and extra fields (numpy.savez forces ZIP64 for large members)", () => {
  const arrays = readNpz(zip([{ name: "data.npy", content: dataNpy }, { name: "itp.npy", content: itpNpy, deflate: true }], { zip64: true }));
  assert.deepEqual(Array.from(arrays.data.data as Float64Array), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(Array.from(arrays.itp.data as Float64Array), [3000]);
});

test("readNpz: truncated or corrupt archives give InputErrors naming the file and member", () => {
  const archive = zip([{ name: "data.npy", content: dataNpy }, { name: "itp.npy", content: itpNpy, deflate: true }]);
  throwsInput(() => readNpz(archive.subarray(0, archive.length - 30), "a.npz"), /^a\.npz: truncated: the ZIP end-of-central-directory record is missing/);
  throwsInput(() => readNpz(archive.subarray(0, 10), "a.npz"), /^a\.npz: not a ZIP/);
  throwsInput(() => readNpz(Buffer.from("just some text, definitely not a zip archive"), "a.npz"), /^a\.npz: not a ZIP \(\.npz\) archive/);

  // A flipped byte inside the stored member's array data: the CRC catches it.
  const flipped = Uint8Array.from(archive);
  flipped[30 + "data.npy".length + dataNpy.length - 3] ^= 0xff;
  throwsInput(() => readNpz(flipped, "a.npz"), /^a\.npz: data\.npy: corrupt: CRC-32/);

  // A damaged deflate stream.
  const deflated = zip([{ name: "itp.npy", content: itpNpy, deflate: true }]);
  const broken = Uint8Array.from(deflated);
  for (let i = 30 + 7; i < 30 + 7 + 6; i++) broken[i] = 0xff;
  throwsInput(() => readNpz(broken, "a.npz"), /^a\.npz: itp\.npy: (corrupt deflate stream|corrupt: )/);

  // A member whose declared size runs past the end of the file.
  const big = Uint8Array.from(archive);
  const view = new DataView(big.buffer);
  const cd = view.getUint32(big.length - 22 + 16, true);
  view.setUint32(cd + 20, 1e6, true);
  throwsInput(() => readNpz(big, "a.npz"), /^a\.npz: data\.npy: truncated: the member needs 1000000 bytes/);

  // A member that is not a .npy file, with a valid CRC.
  throwsInput(() => readNpz(zip([{ name: "notes.npy", content: Buffer.from("hello") }]), "a.npz"), /^a\.npz: notes\.npy: not a \.npy file/);
  // A .npy member whose own data is short (the archive itself is consistent).
  throwsInput(() => readNpz(zip([{ name: "data.npy", content: dataNpy.subarray(0, dataNpy.length - 8) }]), "a.npz"), /^a\.npz: data\.npy: truncated: shape \(3, 2\)/);
  throwsInput(() => readNpz("/nonexistent/dir/file.npz"), /^\/nonexistent\/dir\/file\.npz: cannot read the file/);
});

test("crc32 matches the standard check value", () => {
  assert.equal(crc32(Buffer.from("123456789")), 0xcbf43926);
  assert.equal(crc32(new Uint8Array(0)), 0);
  // Incremental use gives the same checksum.
  assert.equal(crc32(Buffer.from("6789"), crc32(Buffer.from("12345"))), 0xcbf43926);
});

test("readNpz: the real PhaseNet and ObsPy example files", (t) => {
  const data = requireRealData(t, "reading the real PhaseNet and ObsPy .npz files");
  if (data === null) return;
  const dir = path.join(data, "phasenet");
  const picks = fs
    .readFileSync(path.join(dir, "picks.csv"), "utf8")
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => line.split(","));
  assert.equal(picks.length, 8);
  for (const [fname, itp, its, channels] of picks) {
    const arrays = readNpz(path.join(dir, fname));
    assert.deepEqual(Object.keys(arrays).sort(), ["channels", "data", "itp", "its"]);
    assert.deepEqual(arrays.data.shape, [9001, 3]);
    assert.equal(arrays.data.dtype, "<f8");
    const data = arrays.data.data as Float64Array;
    assert.ok(data.every(Number.isFinite), `${fname}: finite samples`);
    assert.equal((arrays.itp.data as Float64Array)[0], Number(itp));
    assert.equal((arrays.its.data as Float64Array)[0], Number(its));
    assert.deepEqual(arrays.channels.data, [channels]);
  }
  const obspy = readNpz(path.join(data, "obspy_example.npz"));
  assert.deepEqual(Object.keys(obspy).sort(), ["EHE", "EHN", "EHZ"]);
  for (const key of ["EHE", "EHN", "EHZ"]) {
    assert.deepEqual(obspy[key].shape, [3000]);
    assert.ok((obspy[key].data as Float64Array).every(Number.isFinite));
  }
  // The first samples of NC_MEM's data, as read independently by Python's zipfile + struct.
  const mem = readNpz(path.join(dir, "NC_MEM_2017100709282692.npz")).data.data as Float64Array;
  assert.deepEqual(Array.from(mem.subarray(7500, 7503)), [5.857349183424064, -4.122430841017665, -2.037884679480058]);
});
