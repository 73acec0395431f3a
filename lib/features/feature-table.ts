import fs from "node:fs";
import path from "node:path";
import { writeFileAtomic, writeJsonAtomic } from "../core/atomic";
import { InputError } from "../core/errors";
import { ProgressFn } from "../core/progress";
import { DSetMetadataRow, DSetTraceFilter, openDSet } from "../data/index";
import { dsetFingerprint, runTraceJobs, TraceJob, TraceJobMessage } from "../data/trace-jobs";
import { featureRow, featureRowNames } from "./feature-row";

/**
 * The magnitude-regression table of a whole data set (docs/paper-pipeline.md section 5): one row of 73 features
 * per trace (`featureRow`), with the metadata the experiments need (target source_magnitude, station,
 * source_id for grouped splits). Computed on worker threads and cached: `<cacheDir>/features.f64` (the
 * table, n x 73 float64 little-endian, row-major) and `<cacheDir>/features.json` (names, rows, skips,
 * data-set fingerprint), both written atomically; a cache from other files is recomputed.
 */
export interface FeatureTable {
  readonly nRows: number;
  readonly nFeatures: number;
  /** nRows x nFeatures, row-major. */
  readonly X: Float64Array;
  readonly featureNames: readonly string[];
  /** Target: source_magnitude per row. */
  readonly y: Float64Array;
  readonly rows: readonly FeatureTableRow[];
  readonly skipped: readonly { readonly file: string; readonly trace: string | null; readonly reason: string }[];
}

export interface FeatureTableRow {
  readonly trace_name: string;
  readonly station: string;
  readonly period: string;
  readonly source_id: string;
  readonly source_magnitude: number;
}

export interface FeatureTableOptions {
  readonly cacheDir: string;
  readonly filter?: DSetTraceFilter;
  /** Worker threads; 0 computes in this thread. @default the number of cores */
  readonly workers?: number;
  readonly onProgress?: ProgressFn;
}

interface FeatureTableHeader {
  readonly format: "seismic-xai-feature-table";
  readonly version: 1;
  readonly fingerprint: string;
  readonly filter: DSetTraceFilter;
  readonly featureNames: readonly string[];
  readonly rows: readonly FeatureTableRow[];
  readonly skipped: FeatureTable["skipped"];
}

/** Builds the feature table of the D-set in `dsetDir`, or loads it from the cache when it is current. */
export async function buildFeatureTable(dsetDir: string, options: FeatureTableOptions): Promise<FeatureTable> {
  const headerFile = path.join(options.cacheDir, "features.json");
  const dataFile = path.join(options.cacheDir, "features.f64");
  const fingerprint = dsetFingerprint(dsetDir);
  const filter = options.filter ?? {};
  const cached = readCached(headerFile, dataFile);
  if (cached && cached.header.fingerprint === fingerprint && JSON.stringify(cached.header.filter) === JSON.stringify(filter)) {
    return cached.table;
  }
  const dset = await openDSet(dsetDir);
  const metadata = dset.metadata(filter);
  const skipped: { file: string; trace: string | null; reason: string }[] = dset.skipped.map((s) => ({ ...s }));
  dset.close();
  if (metadata.length === 0) throw new InputError(dsetDir, "no usable traces match the filter: no feature table");
  const featureNames = featureRowNames();
  const byName = new Map<string, Float64Array>();
  await runTraceJobs<null, Float64Array>(metadata, {
    dsetDir,
    params: null,
    workerModule: path.join(__dirname, "feature-table-worker"),
    runner: runFeatureJob,
    workers: options.workers,
    onResult: (name, values) => byName.set(name, values),
    onSkip: (s) => skipped.push({ file: s.file, trace: s.name, reason: s.reason }),
    onProgress: options.onProgress,
    label: "waveform features",
  });
  const kept: DSetMetadataRow[] = metadata.filter((m) => byName.has(m.trace_name));
  const nFeatures = featureNames.length;
  const X = new Float64Array(kept.length * nFeatures);
  kept.forEach((m, i) => X.set(byName.get(m.trace_name)!, i * nFeatures));
  const rows = kept.map((m) => ({ trace_name: m.trace_name, station: m.station, period: m.period, source_id: m.source_id, source_magnitude: m.source_magnitude }));
  const header: FeatureTableHeader = { format: "seismic-xai-feature-table", version: 1, fingerprint, filter, featureNames, rows, skipped };
  writeFileAtomic(dataFile, new Uint8Array(X.buffer, X.byteOffset, X.byteLength));
  writeJsonAtomic(headerFile, header);
  return tableOf(header, X);
}

/** The per-worker job: reads each trace and computes its 73 features. */
export async function runFeatureJob(
  job: TraceJob<null>,
  post: (m: TraceJobMessage<Float64Array>) => void,
): Promise<void> {
  const dset = await openDSet(job.dsetDir, { stations: job.stations });
  try {
    for (const name of job.names) {
      try {
        const trace = await dset.readTrace(name);
        post({ kind: "result", name, result: featureRow(trace.data, trace.row).values });
      } catch (e) {
        if (e instanceof InputError) post({ kind: "skip", name, file: e.where, reason: e.message });
        else throw e;
      }
    }
  } finally {
    dset.close();
  }
}

function tableOf(header: FeatureTableHeader, X: Float64Array): FeatureTable {
  const y = Float64Array.from(header.rows, (r) => r.source_magnitude);
  return { nRows: header.rows.length, nFeatures: header.featureNames.length, X, featureNames: header.featureNames, y, rows: header.rows, skipped: header.skipped };
}

function readCached(headerFile: string, dataFile: string): { header: FeatureTableHeader; table: FeatureTable } | null {
  if (!fs.existsSync(headerFile) || !fs.existsSync(dataFile)) return null;
  try {
    const header = JSON.parse(fs.readFileSync(headerFile, "utf8")) as FeatureTableHeader;
    if (header.format !== "seismic-xai-feature-table") return null;
    const bytes = fs.readFileSync(dataFile);
    if (bytes.length !== header.rows.length * header.featureNames.length * 8) return null;
    const X = new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
    return { header, table: tableOf(header, X) };
  } catch {
    return null;
  }
}
