import { InputError } from "../core/errors";

/**
 * The rows `index` of a row-major table (nRows x nFeatures), in the order of `index`, as a new row-major
 * table (index.length x nFeatures). With nFeatures = 1 it picks targets: `takeRows(y, 1, split.testIndex)`.
 * @throws InputError for a table length that is not a multiple of nFeatures or an index outside the rows
 */
export function takeRows(table: Float64Array, nFeatures: number, index: Int32Array | readonly number[]): Float64Array {
  const where = "takeRows";
  if (!Number.isInteger(nFeatures) || nFeatures < 1) throw new InputError(where, `nFeatures must be a positive integer, got ${nFeatures}`);
  if (table.length % nFeatures !== 0) throw new InputError(where, `table has ${table.length} values, not a multiple of nFeatures = ${nFeatures}`);
  const nRows = table.length / nFeatures;
  const out = new Float64Array(index.length * nFeatures);
  for (let k = 0; k < index.length; k++) {
    const row = index[k];
    if (!Number.isInteger(row) || row < 0 || row >= nRows) throw new InputError(where, `index ${k} is row ${row}, outside 0..${nRows - 1}`);
    out.set(table.subarray(row * nFeatures, (row + 1) * nFeatures), k * nFeatures);
  }
  return out;
}
