/**
 * Names in the D-set layout: the per-station, per-period files and the sixteen CSV columns
 * (docs/paper-pipeline.md section 1). Shared by the reader and the generator so both follow one definition.
 */
import { DSetPeriod } from "./sequence";

/** The sixteen CSV columns in the order the generator writes them (readers look them up by name). */
export const DSET_CSV_COLUMNS = [
  "trace_name",
  "trace_start_time",
  "network_code",
  "receiver_name",
  "receiver_type",
  "receiver_elevation_m",
  "receiver_latitude",
  "receiver_longitude",
  "source_id",
  "source_depth_km",
  "source_latitude",
  "source_longitude",
  "source_magnitude_type",
  "source_magnitude",
  "source_origin_time",
  "p_travel_sec",
] as const;

/** One of the D-set's CSV column names. */
export type DSetCsvColumn = (typeof DSET_CSV_COLUMNS)[number];

/** What a D-set file name says: its station, its kind and its period. */
export interface DSetFileName {
  readonly station: string;
  /** "waveforms" (Zenodo) or "catalog" (Laurenti's copies) for HDF5, "attributes" for the CSV. */
  readonly kind: "waveforms" | "catalog" | "attributes";
  readonly period: DSetPeriod;
}

const FILE_NAME = /^([A-Za-z0-9]+)_(waveforms|catalog|attributes)_(pre|visso|post)\.(hdf5|h5|csv)$/;

/** Parses a D-set file name (`NRCA_waveforms_pre.hdf5`, `NRCA_catalog_post.hdf5`, `NRCA_attributes_pre.csv`); null otherwise. */
export function parseDSetFileName(name: string): DSetFileName | null {
  const m = FILE_NAME.exec(name);
  if (!m) return null;
  const kind = m[2] as DSetFileName["kind"];
  const isCsv = m[4] === "csv";
  if (isCsv !== (kind === "attributes")) return null;
  return { station: m[1], kind, period: m[3] as DSetPeriod };
}

/** The file names the generator writes for `station` and `period`. */
export function dsetFileNames(station: string, period: DSetPeriod): { waveforms: string; attributes: string } {
  return { waveforms: `${station}_waveforms_${period}.hdf5`, attributes: `${station}_attributes_${period}.csv` };
}
