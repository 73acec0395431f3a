/**
 * shap's PartitionExplainer (`shap/explainers/_partition.py`): Owen values over the masker's binary
 * partition tree, estimated by a budgeted best-first recursion (docs/shap-reference.md A.1, A.5, A.6).
 *
 * Per sample: f00 = model(all hidden) and f11 = model(nothing hidden) (one model call of two samples; with a
 * fixed-background masker shap evaluates f00 once per explainer, and so do we), the outputs to explain are
 * chosen from f11, and the recursion spends the remaining maxEvals - 2 evaluations. Each queue item asks to
 * share fHigh - fLow among the leaves of a node in a context mask; expanding a node evaluates the model with
 * its left and right child added to the context and queues four items (each child entering first or last,
 * weight halved). Items with the largest weighted change pop first. When the budget is spent, the credit
 * still queued stays on its node; finally every node's credit is shared among its leaves in proportion to
 * their number ("lower credit"). Efficiency holds exactly: base + sum of values = f11.
 *
 * Batching follows shap exactly, because it changes the values when the budget binds: an expansion costs two
 * evaluations; pairs are gathered while 2 * pairs < batchSize and the evaluations so far plus the batch stay
 * below the budget (so a batch can exceed batchSize by one when batchSize is odd, and the total can exceed
 * maxEvals by one when the budget is odd); the whole batch is one model call, and children are queued only
 * after it. Leaves popped while gathering take their credit at no cost.
 *
 * Evaluation counts: the Explanation's `evalCounts` holds, per sample, the samples sent to the model including
 * f00 and f11 (also in `lastModelEvalCounts` until the next call); `lastEvalCount` is shap's `last_eval_count`
 * (evaluations inside the recursion for the last sample).
 */
import { InputError } from "../../core/errors";
import { MinHeap } from "../../core/min-heap";
import { Rng } from "../../core/rng";
import type { BatchDtype, ExplainCallOptions, ExplainerOptions, FloatArray, ModelFn, ModelFn64, OutputSelection, TieBreak } from "../explainer";
import { AdditivityError, Explanation } from "../explanation";
import type { Masker } from "../maskers/masker";
import type { PartitionTree } from "../maskers/partition-tree";

/** Constructor options of the PartitionExplainer. */
export interface PartitionExplainerOptions extends ExplainerOptions {
  /**
   * Precision of the batches given to the model. "float32" (default) suits tfjs models; "float64" keeps the
   * masked samples exact (the all-hidden mean colour is not a float32 number), as numpy float64 inputs do.
   */
  readonly batchDtype?: BatchDtype;
}

/** Options of `PartitionExplainer.explain`. */
export interface PartitionExplainOptions extends ExplainCallOptions {
  /**
   * Samples explained side by side. Each sample's recursion is sequential (a batch's masks depend on the
   * previous batch's outputs), but two samples can overlap: one's model call runs on the main thread while
   * the other's inpainting runs on the masker's worker threads. The values do not change; the model may be
   * called again before an earlier call has resolved. @default 1
   */
  readonly concurrency?: number;
}

/** A queue item: share fHigh - fLow among the leaves of `node`, in context `context`, scaled by `weight`. */
interface QueueItem {
  readonly priority: number;
  readonly tie: number;
  readonly seq: number;
  readonly context: Uint8Array;
  readonly fLow: Float64Array;
  readonly fHigh: Float64Array;
  readonly node: number;
  readonly weight: number;
}

export class PartitionExplainer {
  readonly masker: Masker;
  /** Names of the model outputs, in model order, or null. */
  readonly outputNames: readonly string[] | null;
  readonly batchDtype: BatchDtype;
  /** shap's `last_eval_count`: model evaluations inside the recursion for the last explained sample. */
  lastEvalCount = 0;
  /** Per sample of the last `explain` call: samples sent to the model, f00 and f11 included. */
  lastModelEvalCounts: Int32Array = new Int32Array(0);
  private readonly model: (batch: FloatArray, n: number) => Promise<FloatArray>;
  private nModelOutputs = -1;
  /** f00 over all model outputs, kept across samples and calls when the masker's background is fixed (shap). */
  private fixedBase: Float64Array | null = null;

  constructor(model: ModelFn, masker: Masker, options?: PartitionExplainerOptions & { readonly batchDtype?: "float32" });
  constructor(model: ModelFn64, masker: Masker, options: PartitionExplainerOptions & { readonly batchDtype: "float64" });
  constructor(model: ModelFn | ModelFn64, masker: Masker, options: PartitionExplainerOptions = {}) {
    const where = "PartitionExplainer";
    if (typeof model !== "function") throw new InputError(where, "model must be an async function (batch, n) => outputs");
    if (!masker || typeof masker.partitionTree !== "function" || typeof masker.bind !== "function") {
      throw new InputError(where, "masker must implement the Masker interface (partitionTree, bind)");
    }
    const sampleLength = masker.sampleShape.reduce((a, b) => a * b, 1);
    if (masker.nFeatures !== sampleLength) {
      throw new InputError(where, `the masker has ${masker.nFeatures} players but samples of ${sampleLength} values; values are laid out per sample element, so they must match`);
    }
    if ((options.linkOutput ?? "identity") !== "identity") throw new InputError(where, `linkOutput must be "identity", got ${String(options.linkOutput)}`);
    const dtype = options.batchDtype ?? "float32";
    if (dtype !== "float32" && dtype !== "float64") throw new InputError(where, `batchDtype must be "float32" or "float64", got ${String(dtype)}`);
    this.model = model as (batch: FloatArray, n: number) => Promise<FloatArray>;
    this.masker = masker;
    this.outputNames = options.outputNames ? [...options.outputNames] : null;
    this.batchDtype = dtype;
  }

  /**
   * Explains `n` samples laid out back to back (each the masker's sampleShape, row-major; for images
   * n x H x W x C on the 0..255 scale). Returns values N x F x K (K = explained outputs, last axis = rank),
   * base values N x K (f00), the per-sample output indices and names, the model outputs f11 and the model
   * evaluations per sample (`evalCounts`). Progress (`onProgress`) counts maxEvals per sample, so its total,
   * n x maxEvals, is known upfront.
   */
  async explain(samples: FloatArray, n: number, options: PartitionExplainOptions = {}): Promise<Explanation> {
    const where = "PartitionExplainer.explain";
    const maxEvals = options.maxEvals ?? 500;
    const batchSize = options.batchSize ?? 10;
    const checkAdditivity = options.checkAdditivity ?? true;
    const offset = options.sampleIndexOffset ?? 0;
    const concurrency = options.concurrency ?? 1;
    const tieBreak: TieBreak = options.tieBreak ?? "fifo";
    if (!(samples instanceof Float32Array || samples instanceof Float64Array)) throw new InputError(where, "samples must be a Float32Array or Float64Array");
    if (!Number.isInteger(n) || n < 0) throw new InputError(where, `n must be a non-negative integer, got ${n}`);
    const sampleLength = this.masker.nFeatures;
    if (samples.length !== n * sampleLength) {
      throw new InputError(where, `samples must hold n x ${this.masker.sampleShape.join(" x ")} = ${n * sampleLength} values, got ${samples.length}`);
    }
    if (!Number.isInteger(maxEvals) || maxEvals < 2) {
      throw new InputError(where, `maxEvals must be an integer >= 2 (the base evaluations f(all hidden) and f(nothing hidden) cost 2), got ${maxEvals}`);
    }
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new InputError(where, `batchSize must be a positive integer, got ${batchSize}`);
    if (!Number.isInteger(offset) || offset < 0) throw new InputError(where, `sampleIndexOffset must be a non-negative integer, got ${offset}`);
    if (tieBreak !== "fifo" && (typeof tieBreak !== "object" || tieBreak === null || !("seed" in tieBreak))) {
      throw new InputError(where, `tieBreak must be "fifo" or { seed }, got ${JSON.stringify(tieBreak)}`);
    }
    const tree = this.masker.partitionTree();
    if (tree.nLeaves !== sampleLength) throw new InputError(where, `the masker's tree has ${tree.nLeaves} leaves for ${sampleLength} players`);
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new InputError(where, `concurrency must be a positive integer, got ${concurrency}`);

    // An expansion adds a pair while 2 * pairs < batchSize, so a call holds up to 2 * ceil(batchSize / 2) samples.
    const maxBatch = Math.max(2, 2 * Math.ceil(batchSize / 2));
    const progress = { done: 0, total: n * maxEvals };
    const parts: SampleResult[] = new Array(n);
    const counts = new Int32Array(n);
    const newBuffer = (): FloatArray => (this.batchDtype === "float64" ? new Float64Array(maxBatch * sampleLength) : new Float32Array(maxBatch * sampleLength));
    const runSample = async (i: number, buffer: FloatArray): Promise<void> => {
      const x = Float64Array.from(samples.subarray(i * sampleLength, (i + 1) * sampleLength));
      const rng = tieBreak === "fifo" ? null : new Rng(`${String(tieBreak.seed)}/sample ${offset + i}`);
      const r = await this.explainSample(x, offset + i, i, n, tree, { maxEvals, batchSize, outputs: options.outputs, rng, buffer, progress, onProgress: options.onProgress });
      if (checkAdditivity) assertSampleAdditivity(r, offset + i);
      parts[i] = r;
      counts[i] = r.modelEvals;
    };
    let next = 0;
    // A fixed background's base value must exist before lanes run side by side, or each would evaluate it.
    if (n > 0 && this.masker.fixedBackground && !this.fixedBase) await runSample(next++, newBuffer());
    // Each lane explains whole samples in turn with its own batch buffer; lanes interleave only at awaits.
    let failed = false;
    const lane = async (): Promise<void> => {
      const buffer = newBuffer();
      try {
        while (next < n && !failed) await runSample(next++, buffer);
      } catch (e) {
        failed = true; // the other lanes stop after their current sample
        throw e;
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, n - next) }, () => lane()));
    this.lastModelEvalCounts = counts;
    this.lastEvalCount = n > 0 ? parts[n - 1].loopEvals : 0;

    const k = parts.length > 0 ? parts[0].outputIndices.length : this.countOutputsFor(options.outputs);
    const values = new Float64Array(n * sampleLength * k);
    const baseValues = new Float64Array(n * k);
    const modelOutputs = new Float64Array(n * k);
    const outputIndices = new Int32Array(n * k);
    parts.forEach((r, i) => {
      values.set(r.values, i * sampleLength * k);
      baseValues.set(r.f00, i * k);
      modelOutputs.set(r.f11, i * k);
      outputIndices.set(r.outputIndices, i * k);
    });
    const names = this.outputNames;
    return new Explanation({
      values,
      baseValues,
      data: Float64Array.from(samples),
      nSamples: n,
      featureShape: this.masker.sampleShape,
      nOutputs: k,
      outputIndices,
      outputNames: names ? parts.map((r) => Array.from(r.outputIndices, (j) => names[j])) : null,
      modelOutputs,
      evalCounts: counts,
    });
  }

  /** K for an empty call, when no sample told us the model's output width. */
  private countOutputsFor(outputs: OutputSelection | undefined): number {
    if (typeof outputs === "number") return outputs;
    if (Array.isArray(outputs)) return outputs.length;
    return Math.max(1, this.nModelOutputs, this.outputNames?.length ?? 1);
  }

  private async explainSample(
    x: Float64Array,
    globalIndex: number,
    localIndex: number,
    nSamples: number,
    tree: PartitionTree,
    run: {
      maxEvals: number;
      batchSize: number;
      outputs: OutputSelection | undefined;
      rng: Rng | null;
      buffer: FloatArray;
      progress: { done: number; total: number };
      onProgress: ExplainCallOptions["onProgress"];
    },
  ): Promise<SampleResult> {
    const label = `sample ${globalIndex}`;
    const bound = this.masker.bind(x, label);
    const m = tree.nLeaves;
    const sampleLength = x.length;
    const allHidden = new Uint8Array(m);
    const nothingHidden = new Uint8Array(m).fill(1);
    let modelEvals = 0;
    let reported = 0;
    // Progress counts maxEvals per sample, whatever the sample actually used, so the total is known upfront.
    const report = (count: number): void => {
      reported += count;
      run.progress.done += count;
      run.onProgress?.(Math.min(run.progress.done, run.progress.total), run.progress.total, `sample ${localIndex + 1}/${nSamples}`);
    };

    // Base evaluations: f00 (skipped when a fixed background already gave it) and f11, in one call.
    let raw00: Float64Array;
    let raw11: Float64Array;
    if (this.masker.fixedBackground && this.fixedBase) {
      await bound.fill(nothingHidden, 1, run.buffer, 0);
      raw11 = await this.evaluate(run.buffer, 1, label);
      raw00 = this.fixedBase;
      modelEvals += 1;
      report(2);
    } else {
      const masks = new Uint8Array(2 * m);
      masks.set(nothingHidden, m);
      await bound.fill(masks, 2, run.buffer, 0);
      const out = await this.evaluate(run.buffer, 2, label);
      raw00 = out.slice(0, this.nModelOutputs);
      raw11 = out.slice(this.nModelOutputs);
      if (this.masker.fixedBackground) this.fixedBase = raw00;
      modelEvals += 2;
      report(2);
    }
    const outIdx = selectOutputs(raw11, run.outputs, label);
    const k = outIdx.length;
    const pick = (row: Float64Array, at = 0): Float64Array => {
      const v = new Float64Array(k);
      for (let r = 0; r < k; r++) v[r] = row[at + outIdx[r]];
      return v;
    };
    const f00 = pick(raw00);
    const f11 = pick(raw11);

    const budget = run.maxEvals - 2;
    const credit = new Float64Array(tree.nNodes * k);
    const queue = new MinHeap<QueueItem>(compareQueueItems);
    let seq = 0;
    const push = (priority: number, context: Uint8Array, fLow: Float64Array, fHigh: Float64Array, node: number, weight: number): void => {
      queue.push({ priority, tie: run.rng ? run.rng.normal() : 0, seq: seq++, context, fLow, fHigh, node, weight });
    };
    const addCredit = (item: QueueItem): void => {
      const at = item.node * k;
      for (let r = 0; r < k; r++) credit[at + r] += (item.fHigh[r] - item.fLow[r]) * item.weight;
    };
    push(0, allHidden, f00, f11, tree.root, 1);

    let evals = 0;
    const maxPairs = run.buffer.length / sampleLength / 2;
    const batchMasks = new Uint8Array(2 * maxPairs * m);
    const batchItems: { item: QueueItem; m10: Uint8Array; m01: Uint8Array }[] = [];
    while (queue.length > 0) {
      if (evals >= budget) {
        while (queue.length > 0) addCredit(queue.pop());
        break;
      }
      batchItems.length = 0;
      while (queue.length > 0 && 2 * batchItems.length < run.batchSize && evals + 2 * batchItems.length < budget) {
        const item = queue.pop();
        if (tree.isLeaf(item.node)) {
          addCredit(item);
          continue;
        }
        const m10 = withLeaves(item.context, tree, tree.left[item.node]);
        const m01 = withLeaves(item.context, tree, tree.right[item.node]);
        const row = 2 * batchItems.length;
        batchMasks.set(m10, row * m);
        batchMasks.set(m01, (row + 1) * m);
        batchItems.push({ item, m10, m01 });
      }
      if (batchItems.length === 0) continue;
      const nEval = 2 * batchItems.length;
      await bound.fill(batchMasks, nEval, run.buffer, 0);
      const out = await this.evaluate(run.buffer, nEval, label);
      evals += nEval;
      modelEvals += nEval;
      report(nEval);
      const w = this.nModelOutputs;
      batchItems.forEach(({ item, m10, m01 }, j) => {
        const f10 = pick(out, 2 * j * w);
        const f01 = pick(out, (2 * j + 1) * w);
        const half = item.weight / 2;
        const l = tree.left[item.node];
        const r = tree.right[item.node];
        push(-maxAbsDiff(f10, item.fLow) * half, item.context, item.fLow, f10, l, half);
        push(-maxAbsDiff(f01, item.fLow) * half, item.context, item.fLow, f01, r, half);
        push(-maxAbsDiff(item.fHigh, f01) * half, m01, f01, item.fHigh, l, half);
        push(-maxAbsDiff(item.fHigh, f10) * half, m10, f10, item.fHigh, r, half);
      });
    }
    if (reported < run.maxEvals) report(run.maxEvals - reported);

    const values = lowerCredit(credit, tree, k);
    return { values, f00, f11, outputIndices: outIdx, modelEvals, loopEvals: evals };
  }

  /** One model call on the first `count` samples of `buffer`, checked, as float64 rows of every output. */
  private async evaluate(buffer: FloatArray, count: number, label: string): Promise<Float64Array> {
    const sampleLength = this.masker.nFeatures;
    const batch = buffer.subarray(0, count * sampleLength) as FloatArray;
    const result = await this.model(batch, count);
    const where = `model output (${label})`;
    if (!(result instanceof Float32Array || result instanceof Float64Array)) {
      throw new InputError(where, `the model must resolve to a Float32Array or Float64Array, got ${Object.prototype.toString.call(result)}`);
    }
    if (this.nModelOutputs < 0) {
      if (result.length === 0 || result.length % count !== 0) {
        throw new InputError(where, `${result.length} values for ${count} samples: expected n x nOutputs`);
      }
      this.nModelOutputs = result.length / count;
      if (this.outputNames && this.outputNames.length !== this.nModelOutputs) {
        throw new InputError("PartitionExplainer", `${this.outputNames.length} outputNames for a model with ${this.nModelOutputs} outputs`);
      }
    } else if (result.length !== count * this.nModelOutputs) {
      throw new InputError(where, `${result.length} values for ${count} samples; earlier calls returned ${this.nModelOutputs} outputs per sample`);
    }
    const out = Float64Array.from(result);
    for (let i = 0; i < out.length; i++) {
      if (!Number.isFinite(out[i])) {
        throw new InputError(where, `value ${out[i]} for masked sample ${Math.floor(i / this.nModelOutputs)} of the batch, output ${i % this.nModelOutputs}`);
      }
    }
    return out;
  }
}

interface SampleResult {
  /** M x K */
  readonly values: Float64Array;
  readonly f00: Float64Array;
  readonly f11: Float64Array;
  readonly outputIndices: Int32Array;
  readonly modelEvals: number;
  /** Evaluations inside the recursion (shap's last_eval_count). */
  readonly loopEvals: number;
}

/**
 * The outputs to explain from the unmasked output row `f11` (docs/shap-reference.md A.6). For a number k: indices
 * sorted by value ascending (stable), reversed, first k: the k largest, largest first; equal values come in
 * decreasing index order (numpy's argsort is not stable, so shap's order of exact ties is arbitrary).
 */
function selectOutputs(f11: Float64Array, outputs: OutputSelection | undefined, label: string): Int32Array {
  const nOut = f11.length;
  const where = "PartitionExplainer.explain: outputs";
  if (outputs === undefined || outputs === "all") return Int32Array.from({ length: nOut }, (_, i) => i);
  if (typeof outputs === "number") {
    if (!Number.isInteger(outputs) || outputs < 1 || outputs > nOut) throw new InputError(where, `k must be an integer in 1..${nOut} (the model has ${nOut} outputs), got ${outputs}`);
    const ascending = Array.from({ length: nOut }, (_, i) => i).sort((a, b) => f11[a] - f11[b] || a - b);
    return Int32Array.from(ascending.reverse().slice(0, outputs));
  }
  if (!Array.isArray(outputs)) throw new InputError(where, `expected "all", a count or an index list, got ${JSON.stringify(outputs)} (${label})`);
  for (const j of outputs) if (!Number.isInteger(j) || j < 0 || j >= nOut) throw new InputError(where, `index ${j} is not an output of a ${nOut}-output model`);
  if (outputs.length === 0) throw new InputError(where, "the index list is empty");
  return Int32Array.from(outputs);
}

/** A copy of `context` with the leaves of `node` set to 1 (present). */
function withLeaves(context: Uint8Array, tree: PartitionTree, node: number): Uint8Array {
  const out = context.slice();
  const start = tree.leafStart[node];
  const end = start + tree.size[node];
  const order = tree.leafOrder;
  for (let i = start; i < end; i++) out[order[i]] = 1;
  return out;
}

function maxAbsDiff(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (d > m) m = d;
  }
  return m;
}

/**
 * Shares each node's credit among its leaves in proportion to leaf counts, top-down (shap's `lower_credit`:
 * a child receives parent total * size(child) / size(parent)). Returns M x K leaf values.
 */
function lowerCredit(credit: Float64Array, tree: PartitionTree, k: number): Float64Array {
  const total = credit.slice();
  // Children have smaller ids than parents, so descending ids visit every parent before its children.
  for (let v = tree.nNodes - 1; v >= tree.nLeaves; v--) {
    const l = tree.left[v];
    const r = tree.right[v];
    const size = tree.size[v];
    const sl = tree.size[l];
    const sr = tree.size[r];
    for (let j = 0; j < k; j++) {
      const t = total[v * k + j];
      total[l * k + j] += (t * sl) / size;
      total[r * k + j] += (t * sr) / size;
    }
  }
  return total.slice(0, tree.nLeaves * k);
}

/** Throws unless base + sum of values = f11 for every output, up to float64 rounding of the sums. */
function assertSampleAdditivity(r: SampleResult, sample: number): void {
  const k = r.f00.length;
  const m = r.values.length / k;
  for (let j = 0; j < k; j++) {
    let sum = r.f00[j];
    let scale = Math.abs(r.f00[j]) + Math.abs(r.f11[j]);
    for (let p = 0; p < m; p++) {
      sum += r.values[p * k + j];
      scale += Math.abs(r.values[p * k + j]);
    }
    const residual = sum - r.f11[j];
    if (!(Math.abs(residual) <= 1e-9 * scale + 1e-12)) {
      throw new AdditivityError(`Additivity check failed for sample ${sample}, output rank ${j}: base + sum of values - f(x) = ${residual} (pass checkAdditivity: false to skip)`);
    }
  }
}

/** Queue order: smallest priority first, then tie-break, then insertion (`seq`), for MinHeap. */
function compareQueueItems(a: QueueItem, b: QueueItem): number {
  if (a.priority !== b.priority) return a.priority < b.priority ? -1 : 1;
  if (a.tie !== b.tie) return a.tie < b.tie ? -1 : 1;
  return a.seq - b.seq;
}
