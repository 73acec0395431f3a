/**
 * A thin wrapper around h5wasm (the HDF5 C library compiled to WebAssembly) for the D-set's flat files:
 * one float64 dataset per trace at the root. It exists so that users meet `InputError`s naming the file and
 * the dataset instead of HDF5's own diagnostics or an h5wasm stack trace.
 *
 * - h5wasm's Node build (`h5wasm/node`, Emscripten NODERAWFS) reads the host file system directly: a
 *   dataset is read from disk when asked for, so a 5 GB download never has to sit in memory.
 * - h5wasm does not throw when a file cannot be opened (it returns an invalid id and the C library prints
 *   its error stack to stderr), so files are checked first: the HDF5 signature, and the end-of-file address
 *   stored in the superblock against the real size, which catches truncated downloads with a clear message.
 * - What still goes wrong inside the library is caught; HDF5's stderr report is captured during the call
 *   and its innermost line quoted in the error, instead of being printed.
 * - Writes go to a temporary file renamed on success (an interrupted run leaves no file a later run would
 *   trust). Files use the oldest HDF5 format able to hold the data (libver "earliest" .. "v108"), readable
 *   by HDF5 1.8 and later (h5py, HDFView). HDF5 stores object modification times, which h5wasm cannot turn
 *   off, so two writes of the same data differ in a few header bytes but never in dataset values.
 */
import fs from "node:fs";
import path from "node:path";
import { InputError } from "../core/errors";
import { commitTemp, tempPathFor } from "../core/atomic";

/**
 * The part of h5wasm's API used here, declared locally: the package is an ES module that a CommonJS
 * library cannot import statically, and tslab's module resolution cannot see its "exports" types.
 */
interface H5Dataset {
  readonly shape: number[] | null;
  readonly dtype: unknown;
  readonly value: unknown;
}
interface H5File {
  readonly file_id: bigint;
  keys(): string[];
  get(name: string): unknown;
  create_dataset(args: { name: string; data: Float64Array; shape: number[]; dtype: string }): unknown;
  close(): unknown;
}
interface H5Wasm {
  readonly ready: Promise<unknown>;
  File: new (file: string, mode: string, options?: { libver?: [string, string] }) => H5File;
  Dataset: new (fileId: bigint, path: string) => H5Dataset;
}
// A real dynamic import that no transpiler rewrites into require() (tslab compiles to CommonJS, and
// require() cannot see the package's import-only "exports").
const importModule = new Function("specifier", "return import(specifier)") as (specifier: string) => Promise<unknown>;
const importOfficial = () => importModule("h5wasm/node") as Promise<H5Wasm>;

let loading: Promise<H5Wasm> | null = null;

/** Loads h5wasm once (an ES module, so through a dynamic import) and waits for its WebAssembly. */
export function loadH5wasm(): Promise<H5Wasm> {
  if (!loading) {
    loading = (async () => {
      let mod: H5Wasm;
      try {
        mod = await importOfficial();
      } catch (first) {
        // A transpiler that turns import() into require() cannot see the package's import-only "exports";
        // Node >= 20.19 can still require() the ES module by its path.
        const file = (require.resolve.paths("h5wasm") ?? [])
          .map((dir) => path.join(dir, "h5wasm", "dist", "node", "hdf5_hl.js"))
          .find((f) => fs.existsSync(f));
        if (!file) throw first;
        mod = (await importModule(file)) as H5Wasm;
      }
      await mod.ready;
      return mod;
    })();
    loading.catch(() => {
      loading = null;
    });
  }
  return loading;
}

/** HDF5 format signature, found at byte 0 or at 512, 1024, 2048, ... when a user block precedes it. */
const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * Checks that `file` looks like a complete HDF5 file before h5wasm sees it: it exists, carries the HDF5
 * signature, and is at least as long as its superblock's end-of-file address (HDF5 File Format
 * Specification, superblock versions 0 to 3). Throws an `InputError` naming the file otherwise.
 */
export function assertHdf5Complete(file: string): void {
  let fd: number;
  try {
    fd = fs.openSync(file, "r");
  } catch (e) {
    throw new InputError(file, `cannot open the file (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  try {
    const size = fs.fstatSync(fd).size;
    const head = Buffer.alloc(96);
    let base = -1;
    for (let offset = 0; offset + 8 <= size; offset = offset === 0 ? 512 : offset * 2) {
      const n = fs.readSync(fd, head, 0, head.length, offset);
      if (n >= 8 && SIGNATURE.every((b, i) => head[i] === b)) {
        base = offset;
        break;
      }
    }
    if (base < 0) throw new InputError(file, `not an HDF5 file (no HDF5 signature; ${size} bytes)`);
    const version = head[8];
    let sizeOfOffsets: number;
    let eofField: number;
    if (version === 0 || version === 1) {
      sizeOfOffsets = head[13];
      eofField = (version === 0 ? 24 : 28) + 2 * sizeOfOffsets;
    } else if (version === 2 || version === 3) {
      sizeOfOffsets = head[9];
      eofField = 12 + 2 * sizeOfOffsets;
    } else {
      return; // a newer superblock: leave the checks to the library
    }
    if (sizeOfOffsets !== 8 && sizeOfOffsets !== 4) return;
    const baseAddress = readAddress(head, eofField - 2 * sizeOfOffsets, sizeOfOffsets);
    const eofAddress = readAddress(head, eofField, sizeOfOffsets);
    if (baseAddress === null || eofAddress === null) return;
    const needed = baseAddress + eofAddress;
    if (size < needed) {
      throw new InputError(
        file,
        `truncated HDF5 file: ${size} bytes on disk but the superblock says ${needed} (an interrupted copy or download?)`,
      );
    }
  } finally {
    fs.closeSync(fd);
  }
}

function readAddress(buf: Buffer, at: number, size: number): number | null {
  if (size === 4) return buf.readUInt32LE(at);
  const v = buf.readBigUInt64LE(at);
  return v === 0xffffffffffffffffn ? null : Number(v);
}

/**
 * Runs a synchronous h5wasm call while capturing what the HDF5 library writes to stderr (its error stack),
 * and turns a failure into an `InputError` for `where` quoting the innermost HDF5 message.
 */
function callHdf5<T>(where: string, what: string, fn: () => T): T {
  const original = fs.writeSync;
  const captured: string[] = [];
  (fs as { writeSync: unknown }).writeSync = function (fd: number, buffer: unknown, ...rest: unknown[]): number {
    if (fd !== 2) return (original as (...a: unknown[]) => number).call(fs, fd, buffer, ...rest);
    if (typeof buffer === "string") {
      captured.push(buffer);
      return Buffer.byteLength(buffer);
    }
    const bytes = buffer as Uint8Array;
    const offset = (rest[0] as number | undefined) ?? 0;
    const length = (rest[1] as number | undefined) ?? bytes.length - offset;
    captured.push(Buffer.from(bytes.buffer, bytes.byteOffset + offset, length).toString("utf8"));
    return length;
  };
  let result: T;
  try {
    result = fn();
  } catch (e) {
    throw new InputError(where, `${what} failed: ${hdf5Reason(captured.join("")) ?? (e instanceof Error ? e.message : String(e))}`, { cause: e });
  } finally {
    fs.writeSync = original;
  }
  // h5wasm often reports failure only through HDF5's printed error stack (returning an empty list or an
  // invalid id), so any printed stack is an error.
  const text = captured.join("");
  const reason = hdf5Reason(text);
  if (reason !== null) throw new InputError(where, `${what} failed: ${reason}`);
  if (text.length > 0) process.stderr.write(text); // not an HDF5 error stack: pass it on
  return result;
}

/** The innermost line of an HDF5 error stack ("#006: ...c line 577 in H5F__super_read(): truncated file"). */
function hdf5Reason(stderr: string): string | null {
  const lines = stderr.split("\n").filter((l) => /^\s*#\d+:/.test(l));
  if (lines.length === 0) return null;
  const last = lines[lines.length - 1];
  const m = /\):\s*(.*)$/.exec(last);
  return (m ? m[1] : last).trim();
}

/** Shape and element type of one dataset, read from its header without its data. */
export interface Hdf5DatasetInfo {
  readonly name: string;
  /** Dimensions, e.g. [3, 2500]; empty for a scalar. */
  readonly shape: readonly number[];
  /** h5wasm's type code, e.g. "<d" for little-endian float64. */
  readonly dtype: string;
}

/**
 * A read-only HDF5 file whose root holds one dataset per trace. Open with `Hdf5File.open(path)`; read
 * one dataset at a time with `readFloat64(name)`; `close()` when done.
 */
export class Hdf5File {
  private constructor(
    /** Path of the file on disk. */
    readonly path: string,
    private readonly mod: H5Wasm,
    private h5: H5File | null,
  ) {}

  /** Opens `file` for reading after checking it is a complete HDF5 file (see `assertHdf5Complete`). */
  static async open(file: string): Promise<Hdf5File> {
    assertHdf5Complete(file);
    const mod = await loadH5wasm();
    const h5 = callHdf5(file, "opening the HDF5 file", () => {
      const f = new mod.File(file, "r");
      if (typeof f.file_id === "bigint" && f.file_id < 0n) throw new Error("the HDF5 library could not open it");
      return f;
    });
    return new Hdf5File(file, mod, h5);
  }

  private get file(): H5File {
    if (!this.h5) throw new InputError(this.path, "the HDF5 file is closed");
    return this.h5;
  }

  /** Names of the objects at the root, in the file's own (alphabetical) order. */
  keys(): string[] {
    return callHdf5(this.path, "listing the root group", () => this.file.keys());
  }

  /** Checks `name` is a dataset at the root (the names come from `keys()` or from a CSV). */
  has(name: string): boolean {
    const obj = callHdf5(`${this.path}: ${name}`, "looking up the dataset", () => this.file.get(name));
    return obj !== null && (obj as { type?: string }).type === "Dataset";
  }

  // A handle built directly from the path skips h5wasm's type lookup (half the cost of a header read);
  // a missing or non-dataset name then fails inside HDF5 and is reported by callHdf5.
  private dataset(name: string): H5Dataset {
    return new this.mod.Dataset(this.file.file_id, name.startsWith("/") ? name : "/" + name);
  }

  /** Shape and type of dataset `name` (reads its header only). */
  info(name: string): Hdf5DatasetInfo {
    const ds = this.dataset(name);
    const shape = callHdf5(`${this.path}: ${name}`, "reading the dataset header", () => ds.shape ?? []);
    const dtype = callHdf5(`${this.path}: ${name}`, "reading the dataset type", () => ds.dtype);
    return { name, shape, dtype: typeof dtype === "string" ? dtype : JSON.stringify(dtype) };
  }

  /**
   * Reads dataset `name` whole as float64 (row-major, as stored). Integer and float32 datasets are converted;
   * any other type is an `InputError`.
   */
  readFloat64(name: string): Float64Array {
    const ds = this.dataset(name);
    const value = callHdf5(`${this.path}: ${name}`, "reading the dataset", () => ds.value);
    if (value instanceof Float64Array) return value;
    if (value instanceof BigInt64Array || value instanceof BigUint64Array) return Float64Array.from(value, Number);
    if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Float64Array.from(value as unknown as ArrayLike<number>);
    throw new InputError(`${this.path}: ${name}`, `dataset is not numeric (type ${JSON.stringify(ds.dtype)})`);
  }

  /** Releases the file handle (idempotent). */
  close(): void {
    if (this.h5) {
      const h5 = this.h5;
      this.h5 = null;
      callHdf5(this.path, "closing the HDF5 file", () => h5.close());
    }
  }
}

/**
 * Writes a new HDF5 file dataset by dataset, atomically: everything goes to a temporary file beside the
 * target, renamed onto it by `commit()`. `abort()` (or a failed write) removes the temporary file.
 */
export class Hdf5Writer {
  private constructor(
    /** Final path of the file. */
    readonly path: string,
    private readonly tmp: string,
    private h5: H5File | null,
  ) {}

  /** Starts writing `file` (through a temporary file in the same folder). */
  static async create(file: string): Promise<Hdf5Writer> {
    const mod = await loadH5wasm();
    const tmp = tempPathFor(file);
    const h5 = callHdf5(file, "creating the HDF5 file", () => {
      const f = new mod.File(tmp, "w", { libver: ["earliest", "v108"] });
      if (typeof f.file_id === "bigint" && f.file_id < 0n) throw new Error("the HDF5 library could not create it");
      return f;
    });
    return new Hdf5Writer(file, tmp, h5);
  }

  /**
   * Adds a float64 dataset `name` at the root with the given shape (`data` row-major, length = product).
   * A failure (bad shape, library error) aborts the whole file.
   */
  addFloat64(name: string, data: Float64Array, shape: readonly number[]): void {
    if (!this.h5) throw new InputError(this.path, "the HDF5 writer is closed");
    const h5 = this.h5;
    try {
      const n = shape.reduce((a, b) => a * b, 1);
      if (n !== data.length) throw new InputError(`${this.path}: ${name}`, `shape [${shape.join(", ")}] holds ${n} values, data has ${data.length}`);
      callHdf5(`${this.path}: ${name}`, "writing the dataset", () => h5.create_dataset({ name, data, shape: [...shape], dtype: "<d" }));
    } catch (e) {
      this.abort();
      throw e;
    }
  }

  /** Closes the file and renames it onto its final path. */
  commit(): void {
    if (!this.h5) throw new InputError(this.path, "the HDF5 writer is closed");
    const h5 = this.h5;
    this.h5 = null;
    try {
      callHdf5(this.path, "closing the HDF5 file", () => h5.close());
      commitTemp(this.tmp, this.path);
    } catch (e) {
      fs.rmSync(this.tmp, { force: true });
      throw e;
    }
  }

  /** Drops the unfinished file. */
  abort(): void {
    const h5 = this.h5;
    this.h5 = null;
    if (h5) {
      try {
        h5.close();
      } catch {
        // the file is being thrown away
      }
    }
    fs.rmSync(this.tmp, { force: true });
  }
}
