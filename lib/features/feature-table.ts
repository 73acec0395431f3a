import fs from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "../core/atomic";
import { readCacheEntry, writeCacheEntry } from "../core/cache-entry";
import { cacheKey } from "../core/cache-key";
import { lockFileOf, withLock } from "../core/cache-lock";
import { InputError } from "../core/errors";
import { assertWritableDir, withFileSystemErrors } from "../core/fs-errors";
import { killPoint } from "../core/kill-point";
import { ProgressFn, silentProgress } from "../core/progress";
import { DSetMetadataRow, DSetTraceFilter, openDSet } from "../data/index";
import { dsetIdentity } from "../data/dset-identity";
import { runTraceJobs, TraceJob, TraceJobMessage } from "../data/trace-jobs";
import { featureRow, featureRowNames } from "./feature-row";
import { displayPath } from "../core/display-path";

/**
 * The magnitude-regression table of a whole data set (docs/paper-pipeline.md section 5): one row of 73 features
 * per trace (`featureRow`), with the metadata the experiments need (target source_magnitude, station,
 * source_id for grouped splits). Computed on worker threads and cached in `cacheDir`:
 *
 *   features.json                   the entry's manifest, written last (lib/core/cache-entry): the key of
 *                                   what the table was made from (the D-set's files, the filter, the
 *                                   feature code's version) and the size and SHA-256 of the two files:
 *   features.table.<hash>.f64       X (nRows x 73) then y (nRows), float64, row-major, this machine's byte
 *                                   order (little-endian everywhere Node runs), so NaN stays NaN
 *   features.rows.<hash>.json       trace names, stations, periods, source_id, skips, rows without a target
 *   features.parts/<key>/part-*.bin results of an unfinished run, by trace (removed once the table is made)
 *   .lock                           held by the run writing here (lib/core/cache-lock)
 *
 * A table whose key differs (another data set, another filter, another version) or whose files do not match
 * their manifest is recomputed, and the log says why. An interrupted run (kill -9 included) resumes: the
 * traces whose features were saved in parts are read back, only the others are computed.
 */
export interface FeatureTable {
  readonly nRows: number;
  readonly nFeatures: number;
  /** nRows x nFeatures, row-major. */
  readonly X: Float64Array;
  readonly featureNames: readonly string[];
  /** Target: source_magnitude per row; NaN where the CSV holds no number (see `targetMissing`). */
  readonly y: Float64Array;
  readonly rows: readonly FeatureTableRow[];
  /** Traces not in the table (unreadable, bad shape, NaN samples, ...), and why. */
  readonly skipped: readonly TableSkip[];
  /**
   * Rows of the table whose source_magnitude is empty or not a number ("n/a", "2,3"): their y is NaN, the
   * magnitude experiments leave them out and list them in their own `skipped`.
   */
  readonly targetMissing: readonly TableSkip[];
  /** True when the table was read from the cache, false when (some of it was) computed by this call. */
  readonly fromCache: boolean;
  /** Traces whose features were read back from an interrupted run's parts (0 when none). */
  readonly resumedTraces: number;
}

/** A trace left out (of the table, or of an experiment), and why. */
export interface TableSkip {
  /** The file where the problem is. */
  readonly file: string;
  /** The trace name, or null for a whole file. */
  readonly trace: string | null;
  readonly reason: string;
}

export interface FeatureTableRow {
  readonly trace_name: string;
  readonly station: string;
  readonly period: string;
  readonly source_id: string;
  /** NaN when missing. */
  readonly source_magnitude: number;
}

export interface FeatureTableOptions {
  readonly cacheDir: string;
  readonly filter?: DSetTraceFilter;
  /** Worker threads; 0 computes in this thread. @default the number of cores */
  readonly workers?: number;
  readonly onProgress?: ProgressFn;
  /** Recomputing, resuming, waiting for another run: one line each; `false` for silence. @default console.log */
  readonly log?: ((line: string) => void) | false;
  /**
   * How long to wait for another run writing the same cache folder, in ms; 0 stops at once with an error
   * naming it. @default Infinity
   */
  readonly lockWaitMs?: number;
}

/** Bump when featureRow's values or this cache's layout change: older caches are then recomputed. */
const FEATURE_TABLE_VERSION = 2;
const KIND = "feature-table";
const STEM = "features";
const PARTS = "features.parts";
/** Traces per part file of an unfinished run, and the longest time between two part files. */
const PART_TRACES = 64;
const PART_MS = 2000;
const PART_MAGIC = 0x50465853; // "SXFP"

interface Meta {
  readonly dsetDir: string;
  readonly filter: DSetTraceFilter;
  readonly nRows: number;
  readonly featureNames: readonly string[];
}

interface RowsFile {
  readonly rows: readonly Omit<FeatureTableRow, "source_magnitude">[];
  readonly skipped: readonly TableSkip[];
  readonly targetMissing: readonly TableSkip[];
}

/** One trace's result in a worker: the features, and the CSV text of a magnitude that is not a number. */
export interface FeatureJobResult {
  readonly values: Float64Array;
  readonly magnitudeText: string | null;
}

/**
 * Builds the feature table of the D-set in `dsetDir`, or loads it from the cache when it is current (see
 * the interface comment for the cache).
 * @throws InputError naming the folder when the D-set folder is missing or the cache folder is not writable
 *   (before any work), or when no trace matches the filter; LockBusyError when another run writes the cache
 *   and `lockWaitMs` is over
 */
export async function buildFeatureTable(dsetDir: string, options: FeatureTableOptions): Promise<FeatureTable> {
  const identity = dsetIdentity(dsetDir);
  const filter = normalizeFilter(options.filter ?? {});
  const cacheDir = assertWritableDir(options.cacheDir, "the feature table");
  const log = options.log === undefined ? (line: string) => console.log(line) : options.log;
  const featureNames = featureRowNames();
  const partsKey = cacheKey("seismic-xai/feature-table-parts", FEATURE_TABLE_VERSION, featureNames, identity.key);
  const key = cacheKey(KIND, partsKey, filter);
  return withLock(lockFileOf(cacheDir), { purpose: "the feature table", waitMs: options.lockWaitMs, log }, async () => {
    const found = readCacheEntry<Meta>(cacheDir, STEM, KIND, key);
    if (found.status === "ok") {
      const table = decodeTable(found.manifest.meta, found.files);
      if (typeof table !== "string") return table;
      if (log) log(`feature table in ${displayPath(cacheDir)}: ${table}; computing it again`);
    } else if (found.status !== "absent" && log) {
      log(`feature table in ${displayPath(cacheDir)}: ${found.reason}; computing it again`);
    }
    return computeTable(identity.dir, cacheDir, filter, featureNames, partsKey, key, options, log);
  });
}

async function computeTable(
  dsetDir: string,
  cacheDir: string,
  filter: DSetTraceFilter,
  featureNames: readonly string[],
  partsKey: string,
  key: string,
  options: FeatureTableOptions,
  log: ((line: string) => void) | false,
): Promise<FeatureTable> {
  const onProgress = options.onProgress ?? silentProgress;
  const dset = await openDSet(dsetDir);
  const metadata = dset.metadata(filter);
  const attributes = new Map(dset.filePairs.map((p) => [`${p.station}\u0000${p.period}`, p.attributesPath]));
  const skipped: TableSkip[] = dset.skipped.map((s) => ({ file: s.file, trace: s.trace, reason: s.reason }));
  dset.close();
  if (metadata.length === 0) throw new InputError(dsetDir, "no usable traces match the filter: no feature table");
  const nFeatures = featureNames.length;

  const partsDir = path.join(cacheDir, PARTS, partsKey.slice(0, 16));
  const saved = readParts(cacheDir, partsDir, nFeatures, log);
  const results = saved.results;
  const workerSkips = saved.skips;
  const wanted = new Set(metadata.map((m) => m.trace_name));
  let resumedTraces = 0;
  for (const name of [...results.keys(), ...workerSkips.keys()]) if (wanted.has(name)) resumedTraces++;
  const todo = metadata.filter((m) => !results.has(m.trace_name) && !workerSkips.has(m.trace_name));
  if (resumedTraces > 0 && log) log(`feature table in ${displayPath(cacheDir)}: resuming an interrupted run, ${resumedTraces} of ${metadata.length} traces read back, ${todo.length} to compute`);

  let done = metadata.length - todo.length;
  onProgress(done, metadata.length, "waveform features");
  const pending = new PartWriter(partsDir, nFeatures);
  try {
    await runTraceJobs<null, FeatureJobResult>(todo, {
      dsetDir,
      params: null,
      workerModule: path.join(__dirname, "feature-table-worker"),
      runner: runFeatureJob,
      workers: options.workers,
      onResult: (name, result) => {
        results.set(name, result);
        pending.addResult(name, result);
        onProgress(++done, metadata.length, "waveform features");
      },
      onSkip: (s) => {
        workerSkips.set(s.name, { file: s.file, trace: s.name, reason: s.reason });
        pending.addSkip(s.name, s.file, s.reason);
        onProgress(++done, metadata.length, "waveform features");
      },
    });
  } finally {
    // What was computed before a failure is kept for the next run.
    pending.flush();
  }

  const kept: DSetMetadataRow[] = metadata.filter((m) => results.has(m.trace_name));
  for (const m of metadata) {
    const s = workerSkips.get(m.trace_name);
    if (s) skipped.push(s);
  }
  const nRows = kept.length;
  const values = new Float64Array(nRows * nFeatures + nRows);
  const targetMissing: TableSkip[] = [];
  kept.forEach((m, i) => {
    const r = results.get(m.trace_name)!;
    values.set(r.values, i * nFeatures);
    values[nRows * nFeatures + i] = m.source_magnitude;
    if (!Number.isFinite(m.source_magnitude)) {
      const text = r.magnitudeText ?? String(m.source_magnitude);
      targetMissing.push({
        file: attributes.get(`${m.station}\u0000${m.period}`) ?? dsetDir,
        trace: m.trace_name,
        reason: `source_magnitude ${JSON.stringify(text)} is ${text.trim() === "" ? "empty" : "not a number"}: no target for the magnitude forest`,
      });
    }
  });
  const rowsFile: RowsFile = {
    rows: kept.map((m) => ({ trace_name: m.trace_name, station: m.station, period: m.period, source_id: m.source_id })),
    skipped,
    targetMissing,
  };
  const meta: Meta = { dsetDir, filter, nRows, featureNames };
  writeCacheEntry(cacheDir, STEM, {
    kind: KIND,
    key,
    meta,
    files: [
      { role: "table", ext: ".f64", data: new Uint8Array(values.buffer) },
      { role: "rows", ext: ".json", data: JSON.stringify(rowsFile) },
    ],
  });
  withFileSystemErrors(path.join(cacheDir, PARTS), "removing the parts of the finished run", () => fs.rmSync(path.join(cacheDir, PARTS), { recursive: true, force: true }));
  const table = decodeParts(meta, values, rowsFile);
  return { ...table, fromCache: false, resumedTraces };
}

/** The per-worker job: reads each trace and computes its 73 features. */
export async function runFeatureJob(job: TraceJob<null>, post: (m: TraceJobMessage<FeatureJobResult>) => void): Promise<void> {
  const dset = await openDSet(job.dsetDir, { stations: job.stations });
  try {
    for (const name of job.names) {
      try {
        const trace = await dset.readTrace(name);
        const values = featureRow(trace.data, trace.row).values;
        const magnitudeText = Number.isFinite(trace.metadata.source_magnitude) ? null : String(trace.row.source_magnitude ?? "");
        post({ kind: "result", name, result: { values, magnitudeText } });
      } catch (e) {
        if (e instanceof InputError) post({ kind: "skip", name, file: e.where, reason: e.message });
        else throw e;
      }
    }
  } finally {
    dset.close();
  }
}

/** The table from the entry's files, or why they cannot be one. */
function decodeTable(meta: Meta, files: ReadonlyMap<string, Buffer>): FeatureTable | string {
  const bytes = files.get("table");
  const rowsBytes = files.get("rows");
  if (!bytes || !rowsBytes || !meta || !Array.isArray(meta.featureNames)) return "the entry lacks its table or rows file";
  const n = meta.nRows;
  const nF = meta.featureNames.length;
  if (bytes.length !== (n * nF + n) * 8) return `the table file holds ${bytes.length} bytes, not ${n} rows x ${nF} features + ${n} targets`;
  let rowsFile: RowsFile;
  try {
    rowsFile = JSON.parse(rowsBytes.toString("utf8")) as RowsFile;
  } catch (e) {
    return `the rows file is not valid JSON (${(e as Error).message})`;
  }
  if (!Array.isArray(rowsFile.rows) || rowsFile.rows.length !== n) return `the rows file names ${rowsFile.rows?.length} rows, not ${n}`;
  const values = new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  return { ...decodeParts(meta, values, rowsFile), fromCache: true, resumedTraces: 0 };
}

function decodeParts(meta: Meta, values: Float64Array, rowsFile: RowsFile): Omit<FeatureTable, "fromCache" | "resumedTraces"> {
  const n = meta.nRows;
  const nF = meta.featureNames.length;
  const X = values.subarray(0, n * nF);
  const y = values.slice(n * nF, n * nF + n);
  const rows = rowsFile.rows.map((r, i) => ({ trace_name: r.trace_name, station: r.station, period: r.period, source_id: r.source_id, source_magnitude: y[i] }));
  return { nRows: n, nFeatures: nF, X, featureNames: meta.featureNames, y, rows, skipped: rowsFile.skipped, targetMissing: rowsFile.targetMissing };
}

/** Sorted lists, absent keys left out: equal filters give equal keys. */
function normalizeFilter(filter: DSetTraceFilter): DSetTraceFilter {
  const sorted = <T>(a: readonly T[] | undefined) => (a === undefined ? undefined : [...new Set(a)].sort((p, q) => (String(p) < String(q) ? -1 : String(p) > String(q) ? 1 : 0)));
  const out: Record<string, unknown> = {};
  for (const k of ["stations", "periods", "labels", "names"] as const) {
    const v = sorted(filter[k] as readonly unknown[] | undefined);
    if (v !== undefined) out[k] = v;
  }
  return out as DSetTraceFilter;
}

/**
 * Part files of an unfinished run: `part-<time>-<n>.bin`, each written atomically, holding a JSON header
 * (trace names, magnitude texts, skips) and the float64 features of its traces.
 */
class PartWriter {
  private names: string[] = [];
  private texts: (string | null)[] = [];
  private skips: TableSkip[] = [];
  private values: Float64Array[] = [];
  private last = Date.now();
  private count = 0;

  constructor(private readonly dir: string, private readonly nFeatures: number) {}

  addResult(name: string, result: FeatureJobResult): void {
    this.names.push(name);
    this.texts.push(result.magnitudeText);
    this.values.push(result.values);
    this.maybeFlush();
  }

  addSkip(name: string, file: string, reason: string): void {
    this.skips.push({ file, trace: name, reason });
    this.maybeFlush();
  }

  private maybeFlush(): void {
    if (this.names.length + this.skips.length >= PART_TRACES || Date.now() - this.last >= PART_MS) this.flush();
  }

  flush(): void {
    this.last = Date.now();
    if (this.names.length + this.skips.length === 0) return;
    const header = Buffer.from(JSON.stringify({ nFeatures: this.nFeatures, names: this.names, magnitudeTexts: this.texts, skips: this.skips }), "utf8");
    const headerBytes = Math.ceil((header.length + 8) / 8) * 8;
    const out = Buffer.alloc(headerBytes + this.names.length * this.nFeatures * 8);
    out.writeUInt32LE(PART_MAGIC, 0);
    out.writeUInt32LE(header.length, 4);
    header.copy(out, 8);
    const body = new Float64Array(out.buffer, out.byteOffset + headerBytes, this.names.length * this.nFeatures);
    this.values.forEach((v, i) => body.set(v, i * this.nFeatures));
    writeFileAtomic(path.join(this.dir, `part-${Date.now()}-${++this.count}.bin`), out);
    this.names = [];
    this.texts = [];
    this.skips = [];
    this.values = [];
    killPoint("feature-table:part-written");
  }
}

/**
 * Results saved by unfinished runs of this data set and code (`partsDir`); parts of other data sets or
 * versions are removed, and so is any part that cannot be read (it is recomputed).
 */
function readParts(cacheDir: string, partsDir: string, nFeatures: number, log: ((line: string) => void) | false): { results: Map<string, FeatureJobResult>; skips: Map<string, TableSkip> } {
  const results = new Map<string, FeatureJobResult>();
  const skips = new Map<string, TableSkip>();
  const root = path.dirname(partsDir);
  if (!fs.existsSync(root)) return { results, skips };
  withFileSystemErrors(root, "reading the parts of an unfinished run", () => {
    for (const other of fs.readdirSync(root)) {
      if (path.join(root, other) === partsDir) continue;
      fs.rmSync(path.join(root, other), { recursive: true, force: true });
      if (log) log(`feature table in ${displayPath(cacheDir)}: removed the partial results of an unfinished run on another data set or version (${other})`);
    }
    if (!fs.existsSync(partsDir)) return;
    for (const name of fs.readdirSync(partsDir).sort()) {
      const file = path.join(partsDir, name);
      if (!/^part-\d+-\d+\.bin$/.test(name)) {
        fs.rmSync(file, { force: true });
        continue;
      }
      const bytes = fs.readFileSync(file);
      const problem = decodePart(bytes, nFeatures, results, skips);
      if (problem !== null) {
        fs.rmSync(file, { force: true });
        if (log) log(`feature table in ${displayPath(cacheDir)}: removed the unreadable part ${name} (${problem}); its traces are computed again`);
      }
    }
  });
  return { results, skips };
}

function decodePart(bytes: Buffer, nFeatures: number, results: Map<string, FeatureJobResult>, skips: Map<string, TableSkip>): string | null {
  if (bytes.length < 8 || bytes.readUInt32LE(0) !== PART_MAGIC) return "not a part file";
  const headerLength = bytes.readUInt32LE(4);
  if (8 + headerLength > bytes.length) return "truncated header";
  let header: { nFeatures: number; names: string[]; magnitudeTexts: (string | null)[]; skips: TableSkip[] };
  try {
    header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString("utf8"));
  } catch {
    return "bad header";
  }
  if (header.nFeatures !== nFeatures || !Array.isArray(header.names) || !Array.isArray(header.skips)) return "another layout";
  const headerBytes = Math.ceil((headerLength + 8) / 8) * 8;
  if (bytes.length !== headerBytes + header.names.length * nFeatures * 8) return `${bytes.length} bytes, expected ${headerBytes + header.names.length * nFeatures * 8}`;
  const body = new Float64Array(bytes.buffer.slice(bytes.byteOffset + headerBytes, bytes.byteOffset + bytes.length));
  header.names.forEach((name, i) => results.set(name, { values: body.slice(i * nFeatures, (i + 1) * nFeatures), magnitudeText: header.magnitudeTexts[i] ?? null }));
  for (const s of header.skips) if (s.trace !== null) skips.set(s.trace, s);
  return null;
}
