/**
 * `openDSet(dir)`: the D-set (Laurenti et al. 2024; Zenodo doi:10.5281/zenodo.12795621) or the generated
 * stand-in, read in the SeisBench manner: metadata rows (the CSV's own column names plus derived `station`,
 * `period`, `label`, `distance_km`) and a waveform store read lazily, one trace at a time, so the
 * 79,454-trace / 5 GB real set never sits in memory.
 *
 * Discovery (`discoverDSet`, dset-discovery.ts): `<STA>_waveforms_<period>.hdf5` (or `<STA>_catalog_<period>.hdf5`,
 * Laurenti's name) paired with `<STA>_attributes_<period>.csv`, period pre / visso / post, in the folder or in
 * folders below it (flat, one folder per station, under an extra top folder). Files that do not pair, and
 * any other file, are listed in `ignoredFiles` with the reason; a missing folder, a file, an archive that was
 * not unpacked and an unfinished generator run are `InputError`s saying what to do.
 *
 * Bad input (docs/paper-pipeline.md section 1): a trace whose dataset is not (3, 2500) (the real set has seven
 * with one or two rows), a CSV row without a dataset, a dataset without a CSV row, a repeated trace name, and
 * (when read) a trace with NaN or infinite samples are skipped, counted and named in `skipped`. A missing CSV
 * column or an unreadable, truncated or non-HDF5 file is an `InputError` naming the file.
 */
import path from "node:path";
import { InputError } from "../core/errors";
import { DSET_CHANNELS, DSET_P_ARRIVAL_SAMPLE, DSET_SAMPLES, DSET_SAMPLING_RATE_HZ, Trace, TraceStats } from "../waveform/trace";
import { DSET_PERIODS, DSetPeriod, labelOfPeriod } from "./sequence";
import { DSET_CSV_COLUMNS } from "./dset-files";
import { discoverDSet } from "./dset-discovery";
import { csvRecords, readCsvFile } from "./csv";
import { Hdf5File } from "./hdf5";
import { hypocentralDistanceKm } from "./geo";

/**
 * One metadata row: the CSV's sixteen columns under their own names (numbers parsed, NaN when empty or not
 * a number; times kept as the CSV writes them, UTC) and the derived columns.
 */
export interface DSetMetadataRow {
  readonly trace_name: string;
  readonly trace_start_time: string;
  readonly network_code: string;
  readonly receiver_name: string;
  readonly receiver_type: string;
  readonly receiver_elevation_m: number;
  readonly receiver_latitude: number;
  readonly receiver_longitude: number;
  readonly source_id: string;
  readonly source_depth_km: number;
  readonly source_latitude: number;
  readonly source_longitude: number;
  readonly source_magnitude_type: string;
  readonly source_magnitude: number;
  readonly source_origin_time: string;
  readonly p_travel_sec: number;
  /** Derived: station code from the file name. */
  readonly station: string;
  /** Derived: period from the file name. */
  readonly period: DSetPeriod;
  /** Derived: 0 foreshock (pre), 1 aftershock (post), null (visso). */
  readonly label: 0 | 1 | null;
  /** Derived: hypocentral distance from the CSV's coordinates, km (NaN if any is missing). */
  readonly distance_km: number;
}

/**
 * A D-set trace: a `Trace` ("CW", 3 x 2500 float64 counts, rows E, N, Z as stored: INGV's order; the paper
 * calls rows 0 and 1 N-S and E-W) plus its name, station, period, label, its CSV row verbatim and its
 * metadata row.
 */
export interface DSetTrace extends Trace {
  readonly name: string;
  readonly station: string;
  readonly period: DSetPeriod;
  readonly label: 0 | 1 | null;
  /** The CSV row, every column of the file, names and strings verbatim. */
  readonly row: Readonly<Record<string, string>>;
  readonly metadata: DSetMetadataRow;
}

/** A trace (or file) left out, and why. */
export interface DSetSkip {
  /** The file where the problem is. */
  readonly file: string;
  /** The trace name, or null for a whole file. */
  readonly trace: string | null;
  readonly reason: string;
}

/** Which traces to iterate over; every given criterion must hold. */
export interface DSetTraceFilter {
  readonly stations?: readonly string[];
  readonly periods?: readonly DSetPeriod[];
  readonly labels?: readonly (0 | 1 | null)[];
  /** Exact trace names. */
  readonly names?: readonly string[];
}

/** Options of `openDSet`. */
export interface OpenDSetOptions {
  /** Open only these stations' files. */
  readonly stations?: readonly string[];
  /** Open only these periods' files. */
  readonly periods?: readonly DSetPeriod[];
  /**
   * Read every dataset's shape when opening (about 0.1 ms per trace), so that counts and `metadata()` are
   * exact from the start; when false, bad shapes are found and skipped while reading. @default true
   */
  readonly checkShapes?: boolean;
}

/** A station-period pair of files found in the folder. */
export interface DSetFilePair {
  readonly station: string;
  readonly period: DSetPeriod;
  readonly waveformsPath: string;
  readonly attributesPath: string;
  /** Usable traces (rows with a dataset of the right shape). */
  readonly nTraces: number;
}

interface Entry {
  readonly pair: number;
  readonly row: Readonly<Record<string, string>>;
  readonly metadata: DSetMetadataRow;
}

const TRACE_SHAPE = [DSET_CHANNELS.length, DSET_SAMPLES];

/** An opened D-set folder; see `openDSet`. */
export class DSet {
  private readonly byName = new Map<string, Entry>();
  private readonly order: Entry[] = [];
  private readonly skippedList: DSetSkip[] = [];
  private readonly skippedNames = new Map<string, DSetSkip>();
  private readonly files: Hdf5File[] = [];
  private readonly pairList: { station: string; period: DSetPeriod; waveformsPath: string; attributesPath: string }[] = [];

  private constructor(
    /** The folder, absolute. */
    readonly dir: string,
    /** Files and folders seen and not used, and why: absolute path, path relative to `dir` (a folder's ends in "/"). */
    readonly ignoredFiles: readonly { readonly file: string; readonly relPath: string; readonly reason: string }[],
    /** How the files sit below `dir`: "flat", "one folder per station", either "under <top>/", or "mixed folders". */
    readonly layout: string,
    /** D-set files found below `dir` (all stations and periods, also those not opened). */
    readonly nFilesFound: number,
  ) {}

  /** @internal Use `openDSet`. */
  static async open(dir: string, options: OpenDSetOptions = {}): Promise<DSet> {
    const found = discoverDSet(dir, { stations: options.stations, periods: options.periods });
    const dset = new DSet(found.root, found.ignored, found.layout, found.found.length);
    try {
      for (const p of found.pairs) await dset.addPair(p.station, p.period, p.waveformsPath, p.attributesPath, options.checkShapes ?? true);
    } catch (e) {
      dset.close();
      throw e;
    }
    return dset;
  }

  private async addPair(station: string, period: DSetPeriod, waveformsPath: string, attributesPath: string, checkShapes: boolean): Promise<void> {
    const records = csvRecords(readCsvFile(attributesPath), DSET_CSV_COLUMNS, attributesPath);
    const file = await Hdf5File.open(waveformsPath);
    const pairIndex = this.pairList.length;
    this.files.push(file);
    this.pairList.push({ station, period, waveformsPath, attributesPath });
    const datasets = new Set(file.keys());
    const rowsByName = new Map<string, Record<string, string>>();
    for (const rec of records) {
      const name = rec.trace_name;
      if (rowsByName.has(name)) {
        this.skip({ file: attributesPath, trace: name, reason: "repeated trace_name (the first row is kept)" });
        continue;
      }
      rowsByName.set(name, rec);
    }
    for (const name of datasets) {
      if (!rowsByName.has(name)) this.skip({ file: waveformsPath, trace: name, reason: `no row in ${path.basename(attributesPath)}` });
    }
    for (const [name, rec] of rowsByName) {
      if (!datasets.has(name)) {
        this.skip({ file: attributesPath, trace: name, reason: `no dataset in ${path.basename(waveformsPath)}` });
        continue;
      }
      const earlier = this.byName.get(name);
      if (earlier) {
        this.skip({ file: waveformsPath, trace: name, reason: `trace name also in ${path.basename(this.pairList[earlier.pair].waveformsPath)} (the first is kept)` });
        continue;
      }
      if (checkShapes) {
        const info = file.info(name);
        const problem = shapeProblem(info.shape, info.dtype);
        if (problem) {
          this.skip({ file: waveformsPath, trace: name, reason: problem });
          continue;
        }
      }
      const entry: Entry = { pair: pairIndex, row: rec, metadata: toMetadataRow(rec, station, period) };
      this.byName.set(name, entry);
      this.order.push(entry);
    }
  }

  private skip(s: DSetSkip): void {
    this.skippedList.push(s);
    if (s.trace !== null && !this.skippedNames.has(s.trace)) this.skippedNames.set(s.trace, s);
  }

  /** Traces left out so far (at opening, and while reading: bad shapes when `checkShapes` is off, NaN samples). */
  get skipped(): readonly DSetSkip[] {
    return this.skippedList;
  }

  /** The station-period file pairs in use, with their counts of usable traces. */
  get filePairs(): readonly DSetFilePair[] {
    const counts = new Array<number>(this.pairList.length).fill(0);
    for (const e of this.order) if (!this.skippedNames.has(e.metadata.trace_name)) counts[e.pair]++;
    return this.pairList.map((p, i) => ({ ...p, nTraces: counts[i] }));
  }

  /** Station codes with at least one file pair, sorted. */
  stations(): string[] {
    return [...new Set(this.pairList.map((p) => p.station))].sort();
  }

  /** Periods with at least one file pair, in time order. */
  periods(): DSetPeriod[] {
    return DSET_PERIODS.filter((p) => this.pairList.some((q) => q.period === p));
  }

  /** Number of usable traces (optionally of a filter). */
  count(filter: DSetTraceFilter = {}): number {
    return this.select(filter).length;
  }

  /** Usable traces per station and period. */
  counts(): { station: string; period: DSetPeriod; nTraces: number }[] {
    return this.filePairs.map((p) => ({ station: p.station, period: p.period, nTraces: p.nTraces }));
  }

  /** Metadata rows of the usable traces (station, period, then CSV order), without reading waveforms. */
  metadata(filter: DSetTraceFilter = {}): DSetMetadataRow[] {
    return this.select(filter).map((e) => e.metadata);
  }

  private select(filter: DSetTraceFilter): Entry[] {
    const names = filter.names ? new Set(filter.names) : null;
    return this.order.filter((e) => {
      const m = e.metadata;
      if (this.skippedNames.has(m.trace_name)) return false;
      if (filter.stations && !filter.stations.includes(m.station)) return false;
      if (filter.periods && !filter.periods.includes(m.period)) return false;
      if (filter.labels && !filter.labels.includes(m.label)) return false;
      if (names && !names.has(m.trace_name)) return false;
      return true;
    });
  }

  /**
   * Iterates lazily over the usable traces matching `filter` (in `metadata()` order), reading one dataset
   * per step. Traces found bad while reading (NaN or infinite samples; a bad shape when `checkShapes` was
   * off) are skipped and added to `skipped`.
   */
  async *traces(filter: DSetTraceFilter = {}): AsyncGenerator<DSetTrace, void, undefined> {
    for (const entry of this.select(filter)) {
      const result = this.load(entry);
      if (typeof result === "string") {
        this.skip({ file: this.pairList[entry.pair].waveformsPath, trace: entry.metadata.trace_name, reason: result });
        continue;
      }
      yield result;
    }
  }

  /** Reads one trace by name; an `InputError` if it is unknown, was skipped, or has bad samples. */
  async readTrace(name: string): Promise<DSetTrace> {
    const skipped = this.skippedNames.get(name);
    if (skipped) throw new InputError(`${skipped.file}: ${name}`, `trace skipped: ${skipped.reason}`);
    const entry = this.byName.get(name);
    if (!entry) throw new InputError(this.dir, `no trace named "${name}" in the opened files`);
    const result = this.load(entry);
    if (typeof result === "string") {
      const file = this.pairList[entry.pair].waveformsPath;
      this.skip({ file, trace: name, reason: result });
      throw new InputError(`${file}: ${name}`, result);
    }
    return result;
  }

  /** Reads and checks one trace; a string is the reason it is unusable. */
  private load(entry: Entry): DSetTrace | string {
    const pair = this.pairList[entry.pair];
    const file = this.files[entry.pair];
    const name = entry.metadata.trace_name;
    const data = file.readFloat64(name);
    if (data.length !== TRACE_SHAPE[0] * TRACE_SHAPE[1]) {
      const info = file.info(name);
      return shapeProblem(info.shape, info.dtype) ?? `${data.length} values, expected ${TRACE_SHAPE[0] * TRACE_SHAPE[1]}`;
    }
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i])) {
        return `non-finite sample ${data[i]} at row ${Math.floor(i / DSET_SAMPLES)} (${DSET_CHANNELS[Math.floor(i / DSET_SAMPLES)]}), sample ${i % DSET_SAMPLES}`;
      }
    }
    const stats: TraceStats = {
      traceName: name,
      station: pair.station,
      samplingRateHz: DSET_SAMPLING_RATE_HZ,
      nChannels: TRACE_SHAPE[0],
      nSamples: TRACE_SHAPE[1],
      channels: DSET_CHANNELS,
      startTime: entry.metadata.trace_start_time,
      pArrivalSample: DSET_P_ARRIVAL_SAMPLE,
      processing: [],
    };
    return {
      data,
      stats,
      dimensionOrder: "CW",
      name,
      station: pair.station,
      period: pair.period,
      label: entry.metadata.label,
      row: entry.row,
      metadata: entry.metadata,
    };
  }

  /**
   * A short human-readable report: the layout, what was found, paired, skipped and ignored (paths relative to
   * the folder), and the usable traces per period and station.
   */
  summary(): string {
    const pairs = this.filePairs;
    const rel = (file: string): string => path.relative(this.dir, file).split(path.sep).join("/");
    const n = (x: number): string => x.toLocaleString("en-US");
    const lines = [
      `D-set in ${displayPath(this.dir)} (${this.layout}): ${n(this.count())} usable traces, ${pairs.length} file pairs, ${this.stations().length} stations`,
      `  found ${plural(this.nFilesFound, "D-set file")}, paired ${2 * pairs.length}, skipped ${plural(this.skippedList.length, "trace")}, ignored ${plural(this.ignoredFiles.length, "file")}`,
    ];
    for (const period of this.periods()) {
      const per = pairs.filter((p) => p.period === period);
      lines.push(`  ${period}: ${per.map((p) => `${p.station} ${p.nTraces}`).join(", ")}`);
    }
    if (this.skippedList.length > 0) {
      lines.push(`  skipped ${this.skippedList.length}:`);
      for (const s of this.skippedList.slice(0, 20)) lines.push(`    ${rel(s.file)}${s.trace ? ` ${s.trace}` : ""}: ${s.reason}`);
      if (this.skippedList.length > 20) lines.push(`    ... and ${this.skippedList.length - 20} more (dset.skipped lists them all)`);
    }
    if (this.ignoredFiles.length > 0) {
      lines.push(`  ignored ${this.ignoredFiles.length}:`);
      for (const i of this.ignoredFiles.slice(0, 20)) lines.push(`    ${i.relPath}: ${i.reason}`);
      if (this.ignoredFiles.length > 20) lines.push(`    ... and ${this.ignoredFiles.length - 20} more (dset.ignoredFiles lists them all)`);
    }
    const noMagnitude = this.metadata().filter((m) => !Number.isFinite(m.source_magnitude));
    if (noMagnitude.length > 0) {
      const first = noMagnitude.slice(0, 3).map((m) => `${m.trace_name} (${JSON.stringify(this.byName.get(m.trace_name)?.row.source_magnitude ?? "")})`);
      lines.push(`  ${noMagnitude.length} usable traces without a readable source_magnitude (used by the CNN, left out of the magnitude experiments): ${first.join(", ")}${noMagnitude.length > 3 ? ", ..." : ""}`);
    }
    return lines.join("\n");
  }

  /** Closes the HDF5 files (idempotent). */
  close(): void {
    for (const f of this.files) f.close();
  }
}

/**
 * Opens a D-set folder (real download or generated): discovers and pairs the files, reads the CSVs and the
 * HDF5 indexes, checks shapes, and returns a `DSet` that lists stations, periods and counts, gives metadata
 * rows, and reads traces lazily. See the file comment for what is skipped and what is an error.
 */
export function openDSet(dir: string, options: OpenDSetOptions = {}): Promise<DSet> {
  return DSet.open(dir, options);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** `dir` relative to the working folder when it is below it or a sibling's child (`../data/dset`), else absolute. */
function displayPath(dir: string): string {
  const r = path.relative(process.cwd(), dir);
  return r === "" ? "." : r.startsWith(`..${path.sep}..`) || path.isAbsolute(r) ? dir : r.split(path.sep).join("/");
}

function shapeProblem(shape: readonly number[], dtype: string): string | null {
  if (shape.length !== 2 || shape[0] !== TRACE_SHAPE[0] || shape[1] !== TRACE_SHAPE[1]) {
    const rows = shape.length === 2 ? shape[0] : null;
    const detail = rows !== null && rows < TRACE_SHAPE[0] ? ` (only ${rows} row${rows === 1 ? "" : "s"})` : "";
    return `dataset shape (${shape.join(", ")})${detail}, expected (${TRACE_SHAPE.join(", ")})`;
  }
  if (!/^[<>]?[bBhHiIqQefd]$/.test(dtype)) return `dataset type ${dtype} is not numeric`;
  return null;
}

function num(s: string | undefined): number {
  if (s === undefined) return NaN;
  const t = s.trim();
  return t === "" ? NaN : Number(t);
}

/** Typed metadata row from a CSV record. */
function toMetadataRow(rec: Record<string, string>, station: string, period: DSetPeriod): DSetMetadataRow {
  const row = {
    trace_name: rec.trace_name,
    trace_start_time: rec.trace_start_time,
    network_code: rec.network_code,
    receiver_name: rec.receiver_name,
    receiver_type: rec.receiver_type,
    receiver_elevation_m: num(rec.receiver_elevation_m),
    receiver_latitude: num(rec.receiver_latitude),
    receiver_longitude: num(rec.receiver_longitude),
    source_id: rec.source_id,
    source_depth_km: num(rec.source_depth_km),
    source_latitude: num(rec.source_latitude),
    source_longitude: num(rec.source_longitude),
    source_magnitude_type: rec.source_magnitude_type,
    source_magnitude: num(rec.source_magnitude),
    source_origin_time: rec.source_origin_time,
    p_travel_sec: num(rec.p_travel_sec),
    station,
    period,
    label: labelOfPeriod(period),
    distance_km: NaN,
  };
  row.distance_km = hypocentralDistanceKm(
    row.source_latitude,
    row.source_longitude,
    row.source_depth_km,
    row.receiver_latitude,
    row.receiver_longitude,
    Number.isFinite(row.receiver_elevation_m) ? row.receiver_elevation_m : 0,
  );
  return row;
}
