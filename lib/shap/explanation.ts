/**
 * The result of an explainer, after shap's `Explanation` (`shap/_explanation.py`; docs/design.md,
 * "Explanation"): parallel arrays over samples, reduced with methods that return new objects.
 *
 * Layouts (row-major, last index fastest):
 * - `values`: N x F x K, where F is the per-sample feature shape (for images H x W x C) and K the explained
 *   outputs. The last axis is the output *rank* chosen per sample (see `outputIndices`), not the class, when
 *   the explainer picked outputs by size (docs/shap-reference.md A.6).
 * - `baseValues`: N x K, the model output with every feature hidden.
 * - `data`: N x F, the explained samples as given (before any masker truncation).
 * - `outputIndices`: N x K, the model output index behind each rank; `outputNames`: per sample, K names.
 * - `modelOutputs`: N x K, the model output the values add up to (base + sum of values), when known.
 *
 * Immutable by convention: the arrays are shared between an Explanation and the ones derived from it, so
 * never write into them. Reductions keep the sample axis (length 1 after `mean(0)`) so every Explanation has
 * the same N x F x K form; feature axes are dropped when reduced, as numpy does.
 */
import zlib from "node:zlib";
import { InputError } from "../core/errors";

/**
 * How typed arrays are written to JSON: exact base64 of little-endian float64 bytes, the same bytes
 * raw-DEFLATE-compressed (RFC 1951, zlib's deflateRaw) before base64, or plain number lists. "deflate" is exact
 * too and suits Partition explanations, whose values repeat within every unsplit cluster (65× smaller on the
 * paper's 33×153×3 maps at 1000 evaluations).
 */
export type ArrayEncoding = "base64" | "deflate" | "list";

/** The fields of an Explanation. */
export interface ExplanationInit {
  readonly values: Float64Array;
  readonly baseValues: Float64Array;
  readonly data: Float64Array;
  readonly nSamples: number;
  readonly featureShape: readonly number[];
  readonly nOutputs: number;
  /** N x K model output indices; defaults to 0..K-1 for every sample. */
  readonly outputIndices?: Int32Array;
  /** Per sample, K output names; null when the model outputs have no names. */
  readonly outputNames?: readonly (readonly string[])[] | null;
  readonly modelOutputs?: Float64Array | null;
  /** Names of the F features (tabular data); null for images. */
  readonly featureNames?: readonly string[] | null;
}

/** Report of `checkAdditivity`: residual = base + sum of values - model output, N x K. */
export interface AdditivityReport {
  readonly residuals: Float64Array;
  readonly maxAbsResidual: number;
  /** Sample and rank of the largest residual. */
  readonly worst: { readonly sample: number; readonly rank: number };
}

/** Thrown when base + sum of values differs from the model output (shap's "Additivity check failed"). */
export class AdditivityError extends Error {
  override readonly name = "AdditivityError";
}

export class Explanation {
  readonly values: Float64Array;
  readonly baseValues: Float64Array;
  readonly data: Float64Array;
  readonly nSamples: number;
  readonly featureShape: readonly number[];
  readonly nOutputs: number;
  readonly outputIndices: Int32Array;
  readonly outputNames: readonly (readonly string[])[] | null;
  readonly modelOutputs: Float64Array | null;
  readonly featureNames: readonly string[] | null;
  /** Number of features per sample, the product of featureShape. */
  readonly nFeatures: number;

  constructor(init: ExplanationInit) {
    const where = "Explanation";
    const n = init.nSamples;
    const k = init.nOutputs;
    const fs = [...init.featureShape];
    if (!Number.isInteger(n) || n < 0) throw new InputError(where, `nSamples must be a non-negative integer, got ${n}`);
    if (!Number.isInteger(k) || k < 1) throw new InputError(where, `nOutputs must be a positive integer, got ${k}`);
    if (!fs.every((d) => Number.isInteger(d) && d >= 1)) throw new InputError(where, `featureShape must hold positive integers, got ${JSON.stringify(fs)}`);
    const f = fs.reduce((a, b) => a * b, 1);
    const expectLength = (name: string, a: ArrayLike<number>, len: number, layout: string): void => {
      if (a.length !== len) throw new InputError(where, `${name} must have ${layout} = ${len} values, got ${a.length}`);
    };
    expectLength("values", init.values, n * f * k, `N x F x K = ${n} x ${f} x ${k}`);
    expectLength("baseValues", init.baseValues, n * k, `N x K = ${n} x ${k}`);
    expectLength("data", init.data, n * f, `N x F = ${n} x ${f}`);
    let indices = init.outputIndices;
    if (!indices) {
      indices = new Int32Array(n * k);
      for (let i = 0; i < n; i++) for (let r = 0; r < k; r++) indices[i * k + r] = r;
    }
    expectLength("outputIndices", indices, n * k, `N x K = ${n} x ${k}`);
    const names = init.outputNames ?? null;
    if (names) {
      if (names.length !== n) throw new InputError(where, `outputNames must have one row per sample (${n}), got ${names.length}`);
      names.forEach((row, i) => {
        if (row.length !== k) throw new InputError(where, `outputNames[${i}] must have ${k} names, got ${row.length}`);
      });
    }
    if (init.modelOutputs) expectLength("modelOutputs", init.modelOutputs, n * k, `N x K = ${n} x ${k}`);
    const featureNames = init.featureNames ?? null;
    if (featureNames && featureNames.length !== f) throw new InputError(where, `featureNames must have ${f} names, got ${featureNames.length}`);
    this.values = init.values;
    this.baseValues = init.baseValues;
    this.data = init.data;
    this.nSamples = n;
    this.featureShape = Object.freeze(fs);
    this.nOutputs = k;
    this.outputIndices = indices;
    this.outputNames = names ? Object.freeze(names.map((row) => Object.freeze([...row]))) : null;
    this.modelOutputs = init.modelOutputs ?? null;
    this.featureNames = featureNames ? Object.freeze([...featureNames]) : null;
    this.nFeatures = f;
  }

  /** Shape of `values`: [N, ...featureShape, K]. */
  get shape(): readonly number[] {
    return [this.nSamples, ...this.featureShape, this.nOutputs];
  }

  /** Samples start..end-1 (end defaults to start+1), keeping the sample axis. */
  slice(start: number, end = start + 1): Explanation {
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > this.nSamples || start > end) {
      throw new InputError("Explanation.slice", `range [${start}, ${end}) is not inside [0, ${this.nSamples})`);
    }
    const idx: number[] = [];
    for (let i = start; i < end; i++) idx.push(i);
    return this.select(idx);
  }

  /**
   * The samples at `which` (indices, in that order) or those for which `which(i, this)` is true, e.g.
   * `expl.select((i) => label[i] === 0 && predicted[i] === 0)`.
   */
  select(which: ArrayLike<number> | ((sample: number, explanation: Explanation) => boolean)): Explanation {
    const idx: number[] = [];
    if (typeof which === "function") {
      for (let i = 0; i < this.nSamples; i++) if (which(i, this)) idx.push(i);
    } else {
      for (let j = 0; j < which.length; j++) {
        const i = which[j];
        if (!Number.isInteger(i) || i < 0 || i >= this.nSamples) throw new InputError("Explanation.select", `index ${i} is not a sample index in [0, ${this.nSamples})`);
        idx.push(i);
      }
    }
    const f = this.nFeatures;
    const k = this.nOutputs;
    const take = (a: Float64Array, per: number): Float64Array => {
      const out = new Float64Array(idx.length * per);
      idx.forEach((i, j) => out.set(a.subarray(i * per, (i + 1) * per), j * per));
      return out;
    };
    const indices = new Int32Array(idx.length * k);
    idx.forEach((i, j) => indices.set(this.outputIndices.subarray(i * k, (i + 1) * k), j * k));
    return new Explanation({
      values: take(this.values, f * k),
      baseValues: take(this.baseValues, k),
      data: take(this.data, f),
      nSamples: idx.length,
      featureShape: this.featureShape,
      nOutputs: k,
      outputIndices: indices,
      outputNames: this.outputNames ? idx.map((i) => this.outputNames![i]) : null,
      modelOutputs: this.modelOutputs ? take(this.modelOutputs, k) : null,
      featureNames: this.featureNames,
    });
  }

  /**
   * Mean over `axis` of `shape` (0 = samples, 1..F = feature axes; the output axis cannot be averaged).
   * Over samples the result has one sample, and every sample must explain the same outputs in the same rank
   * order (otherwise rank 0 would mix classes: select by class first, or use classAveragedMaps). Over a
   * feature axis, that axis is dropped; `data` is averaged over it as well.
   */
  mean(axis: number): Explanation {
    return this.reduce(axis, "mean");
  }

  /** Sum over `axis` (as `mean`, but values are summed; `data` is still averaged, so it stays on its own scale). */
  sum(axis: number): Explanation {
    return this.reduce(axis, "sum");
  }

  /** Values summed over the last feature axis (the channels of an H x W x C image): N x H x W x K. */
  sumChannels(): Explanation {
    if (this.featureShape.length < 2) throw new InputError("Explanation.sumChannels", `needs at least two feature axes (H x W x C), have ${JSON.stringify(this.featureShape)}`);
    return this.reduce(this.featureShape.length, "sum");
  }

  /** Absolute values (for mean |SHAP| summaries); everything else unchanged. */
  abs(): Explanation {
    return this.withValues(this.values.map(Math.abs));
  }

  /** The F values of sample `sample` for output rank `rank` (a copy). */
  sampleValues(sample: number, rank = 0): Float64Array {
    if (!Number.isInteger(sample) || sample < 0 || sample >= this.nSamples) throw new InputError("Explanation.sampleValues", `sample ${sample} is not in [0, ${this.nSamples})`);
    if (!Number.isInteger(rank) || rank < 0 || rank >= this.nOutputs) throw new InputError("Explanation.sampleValues", `rank ${rank} is not in [0, ${this.nOutputs})`);
    const f = this.nFeatures;
    const k = this.nOutputs;
    const out = new Float64Array(f);
    for (let p = 0; p < f; p++) out[p] = this.values[(sample * f + p) * k + rank];
    return out;
  }

  /** Residuals base + sum of values - model output per sample and rank (efficiency of Shapley/Owen values). */
  checkAdditivity(): AdditivityReport {
    if (!this.modelOutputs) throw new InputError("Explanation.checkAdditivity", "this explanation has no modelOutputs to compare with");
    const n = this.nSamples;
    const f = this.nFeatures;
    const k = this.nOutputs;
    const residuals = new Float64Array(n * k);
    let maxAbs = 0;
    let worst = { sample: 0, rank: 0 };
    for (let i = 0; i < n; i++) {
      for (let r = 0; r < k; r++) {
        let s = this.baseValues[i * k + r];
        for (let p = 0; p < f; p++) s += this.values[(i * f + p) * k + r];
        const res = s - this.modelOutputs[i * k + r];
        residuals[i * k + r] = res;
        if (!(Math.abs(res) <= maxAbs)) {
          maxAbs = Math.abs(res);
          worst = { sample: i, rank: r };
        }
      }
    }
    return { residuals, maxAbsResidual: maxAbs, worst };
  }

  /** Throws an AdditivityError if any |base + sum of values - model output| exceeds `tolerance`. */
  assertAdditivity(options: { readonly tolerance?: number } = {}): AdditivityReport {
    const tolerance = options.tolerance ?? 1e-6;
    const report = this.checkAdditivity();
    if (!(report.maxAbsResidual <= tolerance)) {
      const { sample, rank } = report.worst;
      throw new AdditivityError(
        `Additivity check failed: sample ${sample}, output rank ${rank}: base + sum of values - model output = ${report.residuals[sample * this.nOutputs + rank]} (tolerance ${tolerance})`,
      );
    }
    return report;
  }

  /** A JSON-ready object (for results files); `fromJSON` restores an identical Explanation. */
  toJSON(options: { readonly encoding?: ArrayEncoding } = {}): ExplanationJson {
    const enc = options.encoding ?? "base64";
    return {
      format: EXPLANATION_FORMAT,
      version: 1,
      nSamples: this.nSamples,
      featureShape: [...this.featureShape],
      nOutputs: this.nOutputs,
      values: encodeArray(this.values, enc),
      baseValues: encodeArray(this.baseValues, enc),
      data: encodeArray(this.data, enc),
      outputIndices: Array.from(this.outputIndices),
      outputNames: this.outputNames ? this.outputNames.map((r) => [...r]) : null,
      modelOutputs: this.modelOutputs ? encodeArray(this.modelOutputs, enc) : null,
      featureNames: this.featureNames ? [...this.featureNames] : null,
    };
  }

  /** Restores an Explanation written by `toJSON` (any encoding). */
  static fromJSON(json: unknown): Explanation {
    const where = "Explanation.fromJSON";
    const o = json as Partial<ExplanationJson> | null;
    if (!o || typeof o !== "object" || o.format !== EXPLANATION_FORMAT) throw new InputError(where, `not a ${EXPLANATION_FORMAT} object`);
    if (o.version !== 1) throw new InputError(where, `unsupported version ${String(o.version)}`);
    if (!Array.isArray(o.featureShape) || !Array.isArray(o.outputIndices)) throw new InputError(where, "featureShape and outputIndices must be arrays");
    return new Explanation({
      values: decodeArray(o.values, `${where}: values`),
      baseValues: decodeArray(o.baseValues, `${where}: baseValues`),
      data: decodeArray(o.data, `${where}: data`),
      nSamples: Number(o.nSamples),
      featureShape: o.featureShape,
      nOutputs: Number(o.nOutputs),
      outputIndices: Int32Array.from(o.outputIndices),
      outputNames: o.outputNames ?? null,
      modelOutputs: o.modelOutputs ? decodeArray(o.modelOutputs, `${where}: modelOutputs`) : null,
      featureNames: o.featureNames ?? null,
    });
  }

  /** The samples of several explanations of the same features and outputs count, in order. */
  static concat(parts: readonly Explanation[]): Explanation {
    if (parts.length === 0) throw new InputError("Explanation.concat", "nothing to concatenate");
    const first = parts[0];
    for (const p of parts) {
      if (p.nOutputs !== first.nOutputs || p.featureShape.join("x") !== first.featureShape.join("x")) {
        throw new InputError("Explanation.concat", `shapes differ: ${JSON.stringify(first.shape)} vs ${JSON.stringify(p.shape)}`);
      }
      if (!!p.outputNames !== !!first.outputNames || !!p.modelOutputs !== !!first.modelOutputs) {
        throw new InputError("Explanation.concat", "parts differ in having outputNames or modelOutputs");
      }
    }
    const cat = (get: (e: Explanation) => Float64Array): Float64Array => {
      const out = new Float64Array(parts.reduce((s, p) => s + get(p).length, 0));
      let at = 0;
      for (const p of parts) {
        out.set(get(p), at);
        at += get(p).length;
      }
      return out;
    };
    const indices = new Int32Array(parts.reduce((s, p) => s + p.outputIndices.length, 0));
    let at = 0;
    for (const p of parts) {
      indices.set(p.outputIndices, at);
      at += p.outputIndices.length;
    }
    return new Explanation({
      values: cat((e) => e.values),
      baseValues: cat((e) => e.baseValues),
      data: cat((e) => e.data),
      nSamples: parts.reduce((s, p) => s + p.nSamples, 0),
      featureShape: first.featureShape,
      nOutputs: first.nOutputs,
      outputIndices: indices,
      outputNames: first.outputNames ? parts.flatMap((p) => p.outputNames!) : null,
      modelOutputs: first.modelOutputs ? cat((e) => e.modelOutputs!) : null,
      featureNames: first.featureNames,
    });
  }

  private withValues(values: Float64Array): Explanation {
    return new Explanation({ ...this.init(), values });
  }

  private init(): ExplanationInit {
    return {
      values: this.values,
      baseValues: this.baseValues,
      data: this.data,
      nSamples: this.nSamples,
      featureShape: this.featureShape,
      nOutputs: this.nOutputs,
      outputIndices: this.outputIndices,
      outputNames: this.outputNames,
      modelOutputs: this.modelOutputs,
      featureNames: this.featureNames,
    };
  }

  private reduce(axis: number, op: "mean" | "sum"): Explanation {
    const where = `Explanation.${op}`;
    const nAxes = this.featureShape.length + 2;
    if (!Number.isInteger(axis) || axis < 0 || axis >= nAxes) throw new InputError(where, `axis ${axis} is not in [0, ${nAxes}) for shape ${JSON.stringify(this.shape)}`);
    if (axis === nAxes - 1) throw new InputError(where, "the last axis is the explained output (rank); reducing it mixes outputs");
    const k = this.nOutputs;
    if (axis === 0) {
      const n = this.nSamples;
      if (n === 0) throw new InputError(where, "no samples to reduce");
      for (let i = 1; i < n; i++) {
        for (let r = 0; r < k; r++) {
          if (this.outputIndices[i * k + r] !== this.outputIndices[r]) {
            throw new InputError(
              where,
              `sample ${i} explains output ${this.outputIndices[i * k + r]} at rank ${r} but sample 0 explains ${this.outputIndices[r]}: ` +
                "averaging would mix classes (the last axis is the output rank); select samples with the same outputIndices or use classAveragedMaps",
            );
          }
        }
      }
      const sameNames = this.outputNames !== null && this.outputNames.every((row) => row.join("\u0000") === this.outputNames![0].join("\u0000"));
      return new Explanation({
        values: reduceAxis(this.values, 1, n, this.nFeatures * k, op),
        baseValues: reduceAxis(this.baseValues, 1, n, k, op),
        data: reduceAxis(this.data, 1, n, this.nFeatures, "mean"),
        nSamples: 1,
        featureShape: this.featureShape,
        nOutputs: k,
        outputIndices: this.outputIndices.slice(0, k),
        outputNames: sameNames ? [this.outputNames![0]] : null,
        modelOutputs: this.modelOutputs ? reduceAxis(this.modelOutputs, 1, n, k, op) : null,
        featureNames: this.featureNames,
      });
    }
    const fa = axis - 1;
    const fs = this.featureShape;
    const outer = this.nSamples * fs.slice(0, fa).reduce((a, b) => a * b, 1);
    const len = fs[fa];
    const innerData = fs.slice(fa + 1).reduce((a, b) => a * b, 1);
    return new Explanation({
      ...this.init(),
      values: reduceAxis(this.values, outer, len, innerData * k, op),
      data: reduceAxis(this.data, outer, len, innerData, "mean"),
      featureShape: [...fs.slice(0, fa), ...fs.slice(fa + 1)],
      featureNames: null,
    });
  }
}

/** Format tag of serialised explanations. */
export const EXPLANATION_FORMAT = "seismic-xai/explanation";

/** A typed array in JSON: a plain list, or base64 of its little-endian bytes. */
export type EncodedArray =
  | number[]
  | { readonly dtype: "float64"; readonly length: number; readonly base64: string }
  | { readonly dtype: "float64"; readonly length: number; readonly deflate: string };

/** The JSON form of an Explanation. */
export interface ExplanationJson {
  readonly format: typeof EXPLANATION_FORMAT;
  readonly version: 1;
  readonly nSamples: number;
  readonly featureShape: number[];
  readonly nOutputs: number;
  readonly values: EncodedArray;
  readonly baseValues: EncodedArray;
  readonly data: EncodedArray;
  readonly outputIndices: number[];
  readonly outputNames: string[][] | null;
  readonly modelOutputs: EncodedArray | null;
  readonly featureNames: string[] | null;
}

/** Sum or mean over the middle axis of an outer x len x inner array. */
function reduceAxis(a: Float64Array, outer: number, len: number, inner: number, op: "mean" | "sum"): Float64Array {
  const out = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < len; j++) {
      const src = (o * len + j) * inner;
      const dst = o * inner;
      for (let i = 0; i < inner; i++) out[dst + i] += a[src + i];
    }
  }
  if (op === "mean") for (let i = 0; i < out.length; i++) out[i] /= len;
  return out;
}

function encodeArray(a: Float64Array, encoding: ArrayEncoding): EncodedArray {
  if (encoding === "list") {
    for (let i = 0; i < a.length; i++) {
      if (!Number.isFinite(a[i])) throw new InputError("Explanation.toJSON", `value ${a[i]} at index ${i} cannot be written as a JSON number; use encoding "base64"`);
    }
    return Array.from(a);
  }
  const bytes = new Uint8Array(a.length * 8);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < a.length; i++) view.setFloat64(i * 8, a[i], true);
  if (encoding === "deflate") return { dtype: "float64", length: a.length, deflate: zlib.deflateRawSync(bytes).toString("base64") };
  return { dtype: "float64", length: a.length, base64: Buffer.from(bytes.buffer).toString("base64") };
}

function decodeArray(e: unknown, where: string): Float64Array {
  if (Array.isArray(e)) {
    const out = Float64Array.from(e as unknown[], (v) => (typeof v === "number" ? v : NaN));
    for (let i = 0; i < out.length; i++) if (Number.isNaN(out[i])) throw new InputError(where, `entry ${i} is not a number`);
    return out;
  }
  const o = e as { dtype?: unknown; length?: unknown; base64?: unknown; deflate?: unknown } | null;
  if (!o || o.dtype !== "float64" || (typeof o.base64 !== "string" && typeof o.deflate !== "string") || typeof o.length !== "number") {
    throw new InputError(where, "expected a number list or { dtype: \"float64\", length, base64 } or { dtype: \"float64\", length, deflate }");
  }
  let bytes: Buffer;
  if (typeof o.deflate === "string") {
    try {
      bytes = zlib.inflateRawSync(Buffer.from(o.deflate, "base64"));
    } catch (err) {
      throw new InputError(where, `the deflate stream is damaged (${err instanceof Error ? err.message : String(err)})`);
    }
  } else {
    bytes = Buffer.from(o.base64 as string, "base64");
  }
  if (bytes.length !== o.length * 8) throw new InputError(where, `the array holds ${bytes.length} bytes, expected ${o.length * 8}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float64Array(o.length);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat64(i * 8, true);
  return out;
}
