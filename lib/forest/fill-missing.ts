import { InputError } from "../core/errors";

/** Tables with their missing values filled, and the training means used. */
export interface FilledTables {
  /** Training table, row-major nTrainRows x nFeatures, no NaN. */
  readonly train: Float64Array;
  /** Test table, row-major nTestRows x nFeatures, no NaN. */
  readonly test: Float64Array;
  /** Per feature, the mean of its non-missing training values, 0 for an empty column (length nFeatures). */
  readonly means: Float64Array;
  /** Features missing in every training row, ascending (empty unless `emptyColumns` is "zero"). */
  readonly emptyColumns: Int32Array;
}

/** Options of `fillMissingWithTrainMean`. */
export interface FillMissingOptions {
  /**
   * A feature missing in every training row has no mean: "error" refuses the tables; "zero" fills the column
   * with 0 in both tables, as scikit-learn's `SimpleImputer(strategy="mean", keep_empty_features=True)` does (a
   * constant column that a forest never splits on, so its SHAP values are 0) and reports it in `emptyColumns`.
   * @default "error"
   */
  readonly emptyColumns?: "error" | "zero";
}

/**
 * Replaces missing values (NaN) in both tables with the mean of the non-missing training values of their
 * column (paper section 5; sklearn's `SimpleImputer(strategy="mean")` fitted on the training rows), so no
 * test information leaks into training. The inputs are not modified.
 * @param train row-major nTrainRows x nFeatures
 * @param test row-major nTestRows x nFeatures (may be empty)
 * @throws InputError for a column with no training value (unless `options.emptyColumns` is "zero"; sklearn's
 *   default silently drops it), infinite values, or table lengths that are not multiples of nFeatures
 */
export function fillMissingWithTrainMean(train: Float64Array, test: Float64Array, nFeatures: number, options: FillMissingOptions = {}): FilledTables {
  const where = "fillMissingWithTrainMean";
  const emptyPolicy = options.emptyColumns ?? "error";
  if (emptyPolicy !== "error" && emptyPolicy !== "zero") throw new InputError(where, `emptyColumns must be "error" or "zero", got ${JSON.stringify(emptyPolicy)}`);
  if (!Number.isInteger(nFeatures) || nFeatures < 1) throw new InputError(where, `nFeatures must be a positive integer, got ${nFeatures}`);
  for (const [name, table] of [["train", train], ["test", test]] as const) {
    if (table.length % nFeatures !== 0) throw new InputError(`${where} ${name}`, `has ${table.length} values, not a multiple of nFeatures = ${nFeatures}`);
    for (let i = 0; i < table.length; i++) {
      if (table[i] === Infinity || table[i] === -Infinity) {
        throw new InputError(`${where} ${name}`, `row ${Math.floor(i / nFeatures)}, feature ${i % nFeatures} is ${table[i]}`);
      }
    }
  }
  const nTrain = train.length / nFeatures;
  if (nTrain === 0) throw new InputError(`${where} train`, "empty training set");
  const sums = new Float64Array(nFeatures);
  const counts = new Int32Array(nFeatures);
  for (let r = 0; r < nTrain; r++) {
    for (let f = 0; f < nFeatures; f++) {
      const v = train[r * nFeatures + f];
      if (Number.isNaN(v)) continue;
      sums[f] += v;
      counts[f]++;
    }
  }
  const means = new Float64Array(nFeatures);
  const empty: number[] = [];
  for (let f = 0; f < nFeatures; f++) {
    if (counts[f] > 0) {
      means[f] = sums[f] / counts[f];
      continue;
    }
    if (emptyPolicy === "error") {
      throw new InputError(`${where} train`, `feature ${f} is missing in all ${nTrain} training rows, so it has no mean to fill with (option emptyColumns: "zero" fills it with 0)`);
    }
    empty.push(f);
  }
  const fill = (table: Float64Array): Float64Array => {
    const out = table.slice();
    for (let i = 0; i < out.length; i++) if (Number.isNaN(out[i])) out[i] = means[i % nFeatures];
    return out;
  };
  return { train: fill(train), test: fill(test), means, emptyColumns: Int32Array.from(empty) };
}
