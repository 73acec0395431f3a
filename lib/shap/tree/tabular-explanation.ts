import { InputError } from "../../core/errors";

/** One explained row, what a waterfall plot draws (shap `explanation[i]`). */
export interface TabularRow {
  /** nFeatures SHAP values. */
  readonly values: Float64Array;
  /** E[f(X)]. */
  readonly baseValue: number;
  /** nFeatures feature values of the row. */
  readonly data: Float64Array;
  readonly featureNames: readonly string[];
  /** baseValue + Σ values = f(x). */
  readonly output: number;
}

/**
 * SHAP values of tabular rows with what the plots need beside them, after shap's `Explanation`
 * (`shap/_explanation.py`): parallel arrays, reductions and selections that return new objects, nothing
 * mutated. Layout: `values` and `data` are nRows × nFeatures row-major (`values[row · nFeatures + feature]`),
 * `baseValues` has one entry per row (TreeExplainer repeats its expected value, as shap tiles it).
 *
 * Feeds the beeswarm (`column`, `featureOrder`), bar (`meanAbs`) and waterfall (`row`) plots (spec:
 * docs/shap-reference.md D.3-D.5). Treat the arrays as read-only: methods return copies.
 */
export class TabularExplanation {
  readonly nRows: number;
  readonly nFeatures: number;
  readonly featureNames: readonly string[];

  /**
   * @param values nRows × nFeatures SHAP values, row-major
   * @param baseValues nRows base values
   * @param data nRows × nFeatures feature values, row-major
   * @param featureNames nFeatures names (default "Feature 0", "Feature 1", … as shap names them)
   */
  constructor(
    readonly values: Float64Array,
    readonly baseValues: Float64Array,
    readonly data: Float64Array,
    featureNames?: readonly string[],
  ) {
    const nRows = baseValues.length;
    const where = "TabularExplanation";
    if (nRows === 0) throw new InputError(where, "no rows");
    if (values.length % nRows !== 0) throw new InputError(where, `values has ${values.length} entries, not a multiple of the ${nRows} rows of baseValues`);
    const nFeatures = values.length / nRows;
    if (data.length !== values.length) throw new InputError(where, `data has ${data.length} entries, values ${values.length} (both nRows × nFeatures)`);
    if (featureNames !== undefined && featureNames.length !== nFeatures) throw new InputError(where, `${featureNames.length} feature names for ${nFeatures} features`);
    this.nRows = nRows;
    this.nFeatures = nFeatures;
    this.featureNames = featureNames ? [...featureNames] : Array.from({ length: nFeatures }, (_, i) => `Feature ${i}`);
  }

  /** Mean |SHAP value| per feature (nFeatures): the global bar plot and the beeswarm order. */
  meanAbs(): Float64Array {
    return this.reduceColumns((v) => Math.abs(v));
  }

  /** Mean SHAP value per feature (nFeatures). */
  mean(): Float64Array {
    return this.reduceColumns((v) => v);
  }

  /** A copy with |values| (data and base values unchanged), as shap's `explanation.abs`. */
  abs(): TabularExplanation {
    return new TabularExplanation(this.values.map(Math.abs), this.baseValues.slice(), this.data.slice(), this.featureNames);
  }

  /** Feature indices by decreasing mean |SHAP value| (ties: lower index first). */
  featureOrder(): Int32Array {
    const importance = this.meanAbs();
    return Int32Array.from({ length: this.nFeatures }, (_, i) => i).sort((a, b) => importance[b] - importance[a] || a - b);
  }

  /** f(x) per row: base value + Σ SHAP values. */
  outputs(): Float64Array {
    const out = new Float64Array(this.nRows);
    for (let row = 0; row < this.nRows; row++) {
      let sum = this.baseValues[row];
      for (let i = 0; i < this.nFeatures; i++) sum += this.values[row * this.nFeatures + i];
      out[row] = sum;
    }
    return out;
  }

  /** Row `row` (0-based; negative counts from the end) for a waterfall plot. */
  row(row: number): TabularRow {
    const r = row < 0 ? this.nRows + row : row;
    if (!Number.isInteger(r) || r < 0 || r >= this.nRows) throw new InputError("TabularExplanation.row", `row ${row} out of range for ${this.nRows} rows`);
    const values = this.values.slice(r * this.nFeatures, (r + 1) * this.nFeatures);
    let output = this.baseValues[r];
    for (const v of values) output += v;
    return { values, baseValue: this.baseValues[r], data: this.data.slice(r * this.nFeatures, (r + 1) * this.nFeatures), featureNames: this.featureNames, output };
  }

  /** SHAP values and feature values of one feature over all rows (nRows each): a beeswarm row. */
  column(feature: number | string): { values: Float64Array; data: Float64Array; name: string } {
    const j = this.featureIndex(feature);
    const values = new Float64Array(this.nRows), data = new Float64Array(this.nRows);
    for (let row = 0; row < this.nRows; row++) {
      values[row] = this.values[row * this.nFeatures + j];
      data[row] = this.data[row * this.nFeatures + j];
    }
    return { values, data, name: this.featureNames[j] };
  }

  /** Rows [start, end) as a new explanation (negative indices count from the end, like Array.slice). */
  slice(start: number, end = this.nRows): TabularExplanation {
    const s = clampIndex(start, this.nRows), e = clampIndex(end, this.nRows);
    const rows = Int32Array.from({ length: Math.max(0, e - s) }, (_, k) => s + k);
    return this.select(rows);
  }

  /** The rows whose mask entry is true (a boolean per row), or the listed row indices, as a new explanation. */
  select(rows: readonly boolean[] | ArrayLike<number>): TabularExplanation {
    const where = "TabularExplanation.select";
    let indices: number[];
    if (Array.isArray(rows) && rows.length > 0 && typeof rows[0] === "boolean") {
      if (rows.length !== this.nRows) throw new InputError(where, `mask has ${rows.length} entries for ${this.nRows} rows`);
      indices = [];
      rows.forEach((keep, i) => keep && indices.push(i));
    } else {
      indices = Array.from(rows as ArrayLike<number>);
    }
    if (indices.length === 0) throw new InputError(where, "selects no rows");
    const nF = this.nFeatures;
    const values = new Float64Array(indices.length * nF), data = new Float64Array(indices.length * nF), baseValues = new Float64Array(indices.length);
    indices.forEach((r, k) => {
      if (!Number.isInteger(r) || r < 0 || r >= this.nRows) throw new InputError(where, `row ${r} out of range for ${this.nRows} rows`);
      values.set(this.values.subarray(r * nF, (r + 1) * nF), k * nF);
      data.set(this.data.subarray(r * nF, (r + 1) * nF), k * nF);
      baseValues[k] = this.baseValues[r];
    });
    return new TabularExplanation(values, baseValues, data, this.featureNames);
  }

  private featureIndex(feature: number | string): number {
    const j = typeof feature === "string" ? this.featureNames.indexOf(feature) : feature;
    if (!Number.isInteger(j) || j < 0 || j >= this.nFeatures) {
      throw new InputError("TabularExplanation", `unknown feature ${JSON.stringify(feature)} (${this.nFeatures} features)`);
    }
    return j;
  }

  private reduceColumns(map: (v: number) => number): Float64Array {
    const out = new Float64Array(this.nFeatures);
    for (let row = 0; row < this.nRows; row++) {
      for (let i = 0; i < this.nFeatures; i++) out[i] += map(this.values[row * this.nFeatures + i]);
    }
    for (let i = 0; i < this.nFeatures; i++) out[i] /= this.nRows;
    return out;
  }
}

function clampIndex(i: number, n: number): number {
  const k = i < 0 ? n + i : i;
  return Math.min(Math.max(k, 0), n);
}
