/**
 * Reader for NumPy's `.npy` format (format versions 1.0, 2.0 and 3.0, numpy/lib/format.py's documented
 * layout): the magic string "\x93NUMPY", a version, a header length, a Python dict literal
 * {'descr': ..., 'fortran_order': ..., 'shape': (...)}, then the raw array bytes.
 */
import { InputError } from "../core/errors";

/** Typed storage by dtype; unicode ('U') and byte ('S') string arrays become `string[]`. */
export type NpyData =
  | Float64Array
  | Float32Array
  | Int32Array
  | Int16Array
  | Int8Array
  | Uint32Array
  | Uint16Array
  | Uint8Array
  | string[];

/** An array read from a `.npy` file or an `.npz` member. */
export interface NdArray {
  /**
   * The elements, always in row-major (C) order, whatever the file's order. By dtype: f8 Float64Array,
   * f4 Float32Array, i4/i2/i1 Int32Array/Int16Array/Int8Array, u4/u2/u1 Uint32Array/Uint16Array/Uint8Array,
   * b1 Uint8Array of 0/1, i8/u8 Float64Array (values a float64 cannot hold exactly, e.g. 2^53 + 1, are refused), U and S string[]
   * (trailing NULs stripped, as numpy does).
   */
  readonly data: NpyData;
  /** Dimensions, outermost first; [] for a 0-d (scalar) array. */
  readonly shape: readonly number[];
  /** NumPy's dtype string as stored, e.g. "<f8", ">i4", "|b1", "<U11". */
  readonly dtype: string;
  /** True when the file stored the array in Fortran (column-major) order; `data` was converted to C order. */
  readonly fortranOrder: boolean;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Parses one `.npy` file held in `bytes`. `where` names the file (and member) in errors: a bad magic
 * string, an unknown version, a header that is not the expected dict, an unsupported dtype (structured,
 * object/pickled, complex, float16, datetime), or data shorter or longer than the header's shape says.
 */
export function readNpy(bytes: Uint8Array, where = "npy"): NdArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new InputError(where, "not a .npy file (missing the \\x93NUMPY magic string)" + (bytes.length < 10 ? ", or truncated" : ""));
  }
  const major = bytes[6];
  const minor = bytes[7];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLength: number;
  let headerStart: number;
  if (major === 1) {
    headerLength = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new InputError(where, "truncated .npy header");
    headerLength = view.getUint32(8, true);
    headerStart = 12;
  } else {
    throw new InputError(where, `unsupported .npy format version ${major}.${minor} (known: 1.0, 2.0, 3.0)`);
  }
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.length) {
    throw new InputError(where, `truncated: the header claims ${headerLength} bytes but only ${bytes.length - headerStart} remain`);
  }
  const headerBytes = bytes.subarray(headerStart, dataStart);
  // Version 3 allows utf-8 in field names; versions 1 and 2 are latin-1.
  const headerText = new TextDecoder(major === 3 ? "utf-8" : "latin1").decode(headerBytes);
  const header = parseHeader(headerText, where);
  const dtype = parseDtype(header.descr, where);
  const count = header.shape.reduce((a, b) => a * b, 1);
  const expected = count * dtype.itemSize;
  const available = bytes.length - dataStart;
  if (available < expected) {
    throw new InputError(
      where,
      `truncated: shape (${header.shape.join(", ")}) of ${header.descr} needs ${expected} bytes of data, found ${available}`,
    );
  }
  if (available > expected) {
    throw new InputError(where, `corrupt: ${available - expected} unexpected bytes after the array data`);
  }
  const raw = bytes.subarray(dataStart, dataStart + expected);
  let data = decodeElements(raw, dtype, count, where);
  if (header.fortranOrder && header.shape.length > 1) data = fortranToC(data, header.shape);
  return { data, shape: header.shape, dtype: header.descr, fortranOrder: header.fortranOrder };
}

/**
 * The elements of a numeric array as a new Float64Array (row-major); strings are refused. Convenience
 * for callers that work in float64, such as the waveform readers.
 */
export function ndArrayToFloat64(array: NdArray, where = "npy"): Float64Array {
  if (Array.isArray(array.data)) throw new InputError(where, `array of ${array.dtype} strings is not numeric`);
  return array.data instanceof Float64Array ? array.data.slice() : Float64Array.from(array.data as ArrayLike<number>);
}

interface NpyHeader {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
}

type PyValue = string | number | boolean | null | PyValue[] | { [key: string]: PyValue };

/** Parses the header's Python literal (dict of str, bool, tuple of int; lists appear only for structured dtypes). */
function parseHeader(text: string, where: string): NpyHeader {
  let pos = 0;
  const fail = (what: string): never => {
    throw new InputError(where, `corrupt .npy header (${what} at character ${pos}): ${JSON.stringify(text.slice(0, 200))}`);
  };
  const skipSpace = (): void => {
    while (pos < text.length && /\s/.test(text[pos])) pos++;
  };
  const parseValue = (): PyValue => {
    skipSpace();
    const c = text[pos];
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, pos + 1);
      if (end < 0) fail("unterminated string");
      const s = text.slice(pos + 1, end);
      pos = end + 1;
      return s;
    }
    if (c === "{" || c === "(" || c === "[") {
      const close = c === "{" ? "}" : c === "(" ? ")" : "]";
      pos++;
      const items: PyValue[] = [];
      const dict: { [key: string]: PyValue } = {};
      for (;;) {
        skipSpace();
        if (text[pos] === close) {
          pos++;
          break;
        }
        const item = parseValue();
        if (c === "{") {
          skipSpace();
          if (text[pos] !== ":") fail("expected ':'");
          pos++;
          if (typeof item !== "string") fail("dict key is not a string");
          dict[item as string] = parseValue();
        } else {
          items.push(item);
        }
        skipSpace();
        if (text[pos] === ",") pos++;
        else if (text[pos] !== close) fail(`expected ',' or '${close}'`);
      }
      return c === "{" ? dict : items;
    }
    // Headers written under Python 2 may spell long integers with an L suffix: (3L, 4L).
    const m = /^(True|False|None|-?\d+L?)/.exec(text.slice(pos, pos + 32));
    if (!m) return fail("unexpected token");
    pos += m[0].length;
    return m[0] === "True" ? true : m[0] === "False" ? false : m[0] === "None" ? null : Number(m[0].replace("L", ""));
  };
  const value = parseValue();
  skipSpace();
  if (pos !== text.length) fail("trailing characters");
  if (value === null || typeof value !== "object" || Array.isArray(value)) return fail("not a dict");
  const dict = value as { [key: string]: PyValue };
  for (const key of ["descr", "fortran_order", "shape"]) {
    if (!(key in dict)) throw new InputError(where, `corrupt .npy header: no '${key}' key`);
  }
  if (typeof dict.descr !== "string") {
    throw new InputError(where, "structured (record) dtypes are not supported; save each field as its own array");
  }
  if (typeof dict.fortran_order !== "boolean") throw new InputError(where, "corrupt .npy header: 'fortran_order' is not True/False");
  const shape = dict.shape;
  if (!Array.isArray(shape) || !shape.every((d) => typeof d === "number" && Number.isSafeInteger(d) && d >= 0)) {
    throw new InputError(where, "corrupt .npy header: 'shape' is not a tuple of non-negative integers");
  }
  return { descr: dict.descr, fortranOrder: dict.fortran_order, shape: shape as number[] };
}

interface Dtype {
  kind: "f" | "i" | "u" | "b" | "U" | "S";
  /** Bytes per element. */
  itemSize: number;
  littleEndian: boolean;
}

function parseDtype(descr: string, where: string): Dtype {
  const m = /^([<>|=]?)([a-zA-Z])(\d+)$/.exec(descr);
  if (!m) throw new InputError(where, `unsupported dtype '${descr}'`);
  const order = m[1];
  const kind = m[2];
  const size = Number(m[3]);
  const littleEndian = order !== ">";
  const supported: Record<string, number[]> = { f: [4, 8], i: [1, 2, 4, 8], u: [1, 2, 4, 8], b: [1] };
  if (kind === "U") return { kind, itemSize: 4 * size, littleEndian };
  if (kind === "S") return { kind, itemSize: size, littleEndian };
  if (kind in supported && supported[kind].includes(size)) return { kind: kind as Dtype["kind"], itemSize: size, littleEndian };
  const why = kind === "O" ? " (object arrays are pickled Python objects)" : kind === "c" ? " (complex)" : "";
  throw new InputError(where, `unsupported dtype '${descr}'${why}; supported: f8 f4 i8 i4 i2 i1 u8 u4 u2 u1 b1 U S`);
}

function decodeElements(raw: Uint8Array, dtype: Dtype, count: number, where: string): NpyData {
  const { kind, itemSize, littleEndian } = dtype;
  // Copy into a fresh aligned buffer: the array owns its memory and typed-array views need alignment.
  // (Not raw.slice(): on a Node Buffer, slice is a view.)
  const copy = new Uint8Array(raw);
  if (kind === "U" || kind === "S") return decodeStrings(copy, kind, itemSize, littleEndian, count, where);
  if (kind === "b") {
    for (let i = 0; i < count; i++) copy[i] = copy[i] !== 0 ? 1 : 0;
    return copy;
  }
  if (itemSize === 8 && kind !== "f") return decodeInt64(copy, kind === "i", littleEndian, count, where);
  if (itemSize > 1 && littleEndian !== HOST_LITTLE_ENDIAN) swapBytes(copy, itemSize);
  const buffer = copy.buffer;
  if (kind === "f") return itemSize === 8 ? new Float64Array(buffer, 0, count) : new Float32Array(buffer, 0, count);
  if (kind === "i") {
    return itemSize === 4 ? new Int32Array(buffer, 0, count) : itemSize === 2 ? new Int16Array(buffer, 0, count) : new Int8Array(buffer, 0, count);
  }
  return itemSize === 4 ? new Uint32Array(buffer, 0, count) : itemSize === 2 ? new Uint16Array(buffer, 0, count) : copy;
}

function swapBytes(bytes: Uint8Array, itemSize: number): void {
  for (let start = 0; start < bytes.length; start += itemSize) {
    for (let a = start, b = start + itemSize - 1; a < b; a++, b--) {
      const t = bytes[a];
      bytes[a] = bytes[b];
      bytes[b] = t;
    }
  }
}

function decodeInt64(bytes: Uint8Array, signed: boolean, littleEndian: boolean, count: number, where: string): Float64Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const v = signed ? view.getBigInt64(8 * i, littleEndian) : view.getBigUint64(8 * i, littleEndian);
    const x = Number(v);
    if (BigInt(x) !== v) throw new InputError(where, `64-bit integer ${v} at index ${i} does not fit a float64 exactly`);
    out[i] = x;
  }
  return out;
}

function decodeStrings(
  bytes: Uint8Array,
  kind: "U" | "S",
  itemSize: number,
  littleEndian: boolean,
  count: number,
  where: string,
): string[] {
  const out: string[] = new Array(count);
  if (kind === "S") {
    for (let i = 0; i < count; i++) {
      let end = (i + 1) * itemSize;
      while (end > i * itemSize && bytes[end - 1] === 0) end--;
      // Byte strings map byte b to code point b (true latin-1, not TextDecoder's windows-1252).
      let s = "";
      for (let b = i * itemSize; b < end; b++) s += String.fromCharCode(bytes[b]);
      out[i] = s;
    }
    return out;
  }
  // 'U' strings are UTF-32 code points, in the dtype's byte order.
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chars = itemSize / 4;
  for (let i = 0; i < count; i++) {
    const codes: number[] = [];
    for (let c = 0; c < chars; c++) codes.push(view.getUint32(i * itemSize + 4 * c, littleEndian));
    while (codes.length > 0 && codes[codes.length - 1] === 0) codes.pop();
    for (const code of codes) {
      if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
        throw new InputError(where, `string element ${i} holds an invalid code point 0x${code.toString(16)}`);
      }
    }
    out[i] = String.fromCodePoint(...codes);
  }
  return out;
}

/** Reorders column-major elements into row-major order for the given shape. */
function fortranToC<T extends NpyData>(data: T, shape: readonly number[]): T {
  const count = data.length;
  const out = (Array.isArray(data) ? new Array<string>(count) : new (data.constructor as { new (n: number): T })(count)) as T;
  const nd = shape.length;
  // Fortran strides (elements): the first index varies fastest.
  const fStride = new Array<number>(nd);
  let s = 1;
  for (let a = 0; a < nd; a++) {
    fStride[a] = s;
    s *= shape[a];
  }
  const index = new Array<number>(nd).fill(0);
  let f = 0;
  const src = data as ArrayLike<unknown>;
  const dst = out as unknown as { [i: number]: unknown };
  for (let c = 0; c < count; c++) {
    dst[c] = src[f];
    // Advance the C-order multi-index (last axis fastest) and the matching Fortran offset.
    for (let a = nd - 1; a >= 0; a--) {
      index[a]++;
      f += fStride[a];
      if (index[a] < shape[a]) break;
      f -= fStride[a] * shape[a];
      index[a] = 0;
    }
  }
  return out;
}
