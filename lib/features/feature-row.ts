/**
 * One row of the paper's magnitude-regression table (docs/paper-pipeline.md section 5): the 69 waveform
 * features followed by four metadata columns of the D-set CSV, 73 features in all.
 */
import { InputError } from "../core/errors";
import { DSET_SAMPLES } from "../waveform/trace";
import { N_FEATURES_PER_CHANNEL, waveformFeatureNames, waveformFeatures } from "./waveform-features";

/** The metadata features appended after the waveform features, D-set CSV column names verbatim. */
export const METADATA_FEATURE_NAMES: readonly string[] = ["p_travel_sec", "source_latitude", "source_longitude", "source_depth_km"];

/** A CSV row by column name, values as read (strings) or already parsed (numbers); empty = missing. */
export type MetadataRow = Readonly<Record<string, string | number | null | undefined>>;

/** A feature vector with its names, in the same order. */
export interface FeatureRow {
  readonly values: Float64Array;
  readonly names: readonly string[];
}

/** The 73 names of {@link featureRow}: {@link waveformFeatureNames} then {@link METADATA_FEATURE_NAMES}. */
export function featureRowNames(nChannels = 3): string[] {
  return [...waveformFeatureNames(nChannels), ...METADATA_FEATURE_NAMES];
}

/**
 * The features of one trace: {@link waveformFeatures} of `data` (nChannels x nSamples, "CW") followed by
 * p_travel_sec (s), source_latitude and source_longitude (degrees), source_depth_km (km) from its CSV
 * `row`. An empty, "nan" or null metadata value is a missing value and becomes NaN (the forest fills it
 * with the training mean); a column absent from the row, or a value that is not a number, is an
 * InputError naming the trace (the row's trace_name) and the column.
 */
export function featureRow(data: Float64Array, row: MetadataRow, nChannels = 3, nSamples = DSET_SAMPLES): FeatureRow {
  const traceName = typeof row.trace_name === "string" && row.trace_name !== "" ? row.trace_name : "(unnamed)";
  const where = `featureRow: trace ${traceName}`;
  const nWaveform = nChannels * N_FEATURES_PER_CHANNEL;
  const values = new Float64Array(nWaveform + METADATA_FEATURE_NAMES.length);
  try {
    waveformFeatures(data, nChannels, nSamples, values.subarray(0, nWaveform));
  } catch (e) {
    if (e instanceof InputError) throw new InputError(where, e.message, { cause: e });
    throw e;
  }
  METADATA_FEATURE_NAMES.forEach((column, i) => {
    values[nWaveform + i] = parseMetadataValue(row, column, where);
  });
  return { values, names: featureRowNames(nChannels) };
}

function parseMetadataValue(row: MetadataRow, column: string, where: string): number {
  if (!Object.prototype.hasOwnProperty.call(row, column)) throw new InputError(where, `the metadata row has no column ${column}`);
  const value = row[column];
  if (value === null || value === undefined) return NaN;
  if (typeof value === "number") {
    if (Number.isFinite(value) || Number.isNaN(value)) return value;
    throw new InputError(where, `column ${column} holds ${value}`);
  }
  const text = value.trim();
  // The spellings pandas reads as missing in these columns.
  if (text === "" || /^(nan|NaN|NAN|None|null|NULL|NA|N\/A)$/.test(text)) return NaN;
  const parsed = Number(text);
  if (!Number.isFinite(parsed)) throw new InputError(where, `column ${column} holds ${JSON.stringify(value)}, not a number`);
  return parsed;
}
