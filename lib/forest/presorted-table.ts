import { InputError } from "../core/errors";

/**
 * A training table cast to float32 and sorted once per column, shared by every tree of a forest (and by
 * the worker threads, through SharedArrayBuffers). Trees then never sort: each takes its in-bag rows from
 * these orders in one pass and keeps them sorted by partitioning (the classic presorted CART layout).
 *
 * Layout, column-major, each column of length nRows:
 * - `order[f * nRows + k]`: the row holding the k-th smallest value of feature f (ties in row order);
 * - `sortedValues[f * nRows + k]`: that value, float32 as scikit-learn trains on float32 inputs.
 */
export interface PresortedTable {
  readonly nRows: number;
  readonly nFeatures: number;
  readonly order: Int32Array;
  readonly sortedValues: Float32Array;
}

/**
 * Casts a row-major table (nRows x nFeatures) to float32 and sorts every column.
 * Rejects NaN and values that are infinite after the float32 cast (scikit-learn's "Input X contains
 * infinity or a value too large for dtype('float32')"): missing values must be filled before training.
 * @param where names the argument in error messages
 */
export function presortTable(X: Float64Array | Float32Array, nRows: number, nFeatures: number, where = "X"): PresortedTable {
  if (!Number.isInteger(nRows) || nRows < 1) throw new InputError(where, `nRows must be a positive integer, got ${nRows}`);
  if (!Number.isInteger(nFeatures) || nFeatures < 1) throw new InputError(where, `nFeatures must be a positive integer, got ${nFeatures}`);
  if (X.length !== nRows * nFeatures) {
    throw new InputError(where, `has ${X.length} values, expected nRows x nFeatures = ${nRows} x ${nFeatures} = ${nRows * nFeatures}`);
  }
  const order = new Int32Array(new SharedArrayBuffer(4 * nRows * nFeatures));
  const sortedValues = new Float32Array(new SharedArrayBuffer(4 * nRows * nFeatures));
  const column = new Float32Array(nRows);
  const rows = new Int32Array(nRows);
  for (let f = 0; f < nFeatures; f++) {
    for (let i = 0; i < nRows; i++) {
      const v = Math.fround(X[i * nFeatures + f]);
      if (!Number.isFinite(v)) {
        const what = Number.isNaN(v) ? "NaN (fill missing values first, e.g. fillMissingWithTrainMean)" : `${X[i * nFeatures + f]}, infinite or beyond the float32 range`;
        throw new InputError(where, `row ${i}, feature ${f} is ${what}`);
      }
      column[i] = v;
      rows[i] = i;
    }
    rows.sort((a, b) => column[a] - column[b] || a - b);
    const base = f * nRows;
    for (let k = 0; k < nRows; k++) {
      order[base + k] = rows[k];
      sortedValues[base + k] = column[rows[k]];
    }
  }
  return { nRows, nFeatures, order, sortedValues };
}
