import os from "node:os";
import { InputError } from "../core/errors";
import type { ProgressFn } from "../core/progress";
import type { TreeParams } from "./build-tree";
import { buildTrees } from "./build-trees";
import { presortTable } from "./presorted-table";
import { predictTreeRow, type RegressionTree } from "./regression-tree";

/** Settings of a `RandomForestRegressor`: scikit-learn's `RandomForestRegressor` parameters, camelCased. */
export interface RandomForestOptions {
  /** Number of trees. @default 100 */
  nEstimators?: number;
  /**
   * Features searched at each split: a fraction of the features when in (0, 1] (so 1 = all, sklearn's
   * 1.0, which the paper uses), a count when an integer >= 2 (ml-random-forest's convention).
   * @default 1
   */
  maxFeatures?: number;
  /** Train each tree on a bootstrap sample (else on every row once). @default true */
  bootstrap?: boolean;
  /** A node with fewer distinct training rows is a leaf. @default 2 */
  minSamplesSplit?: number;
  /** Minimum distinct training rows on each side of a split. @default 1 */
  minSamplesLeaf?: number;
  /** Maximum tree depth; Infinity grows trees fully, as sklearn's `max_depth=None`. @default Infinity */
  maxDepth?: number;
  /** Seed of every random choice (bootstrap samples, feature orders); tree t uses the stream "<seed>:tree:<t>". */
  seed: number | string;
}

/** Run-time settings of `train` (they never change the fitted forest). */
export interface TrainOptions {
  /**
   * Worker threads building trees; 1 builds in the calling thread. The result is identical for any value.
   * @default os.availableParallelism(), or 1 for tables under 100,000 cells (thread start-up would dominate)
   */
  nWorkers?: number;
  /** Called after each tree with (treesDone, nEstimators, "trees"). */
  onProgress?: ProgressFn;
}

/** The serialised forest (`toJSON`): options, then per tree its node arrays as base64 of little-endian bytes. */
export interface RandomForestJson {
  readonly format: typeof JSON_FORMAT;
  readonly version: 1;
  readonly options: Required<Omit<RandomForestOptions, "maxDepth">> & { readonly maxDepth: number | null };
  readonly nFeatures: number;
  readonly trees: readonly RegressionTreeJson[];
}

interface RegressionTreeJson {
  readonly nNodes: number;
  readonly childrenLeft: string;
  readonly childrenRight: string;
  readonly feature: string;
  readonly threshold: string;
  readonly value: string;
  readonly cover: string;
  readonly nNodeSamples: string;
}

const JSON_FORMAT = "seismic-xai/random-forest-regressor";
const WORKER_MIN_CELLS = 100_000;

/**
 * A random forest regressor (Breiman 2001) that grows its trees with scikit-learn's algorithm, so that a
 * forest trained here has the structure a `sklearn.ensemble.RandomForestRegressor` would have: bootstrap
 * samples as sample weights, CART with the squared-error criterion, the best split over `maxFeatures`
 * features at every node, thresholds at midpoints between float32 values, fully grown trees by default,
 * prediction = mean of the trees (paper section 5: 100 trees, all features per split, bootstrap). The random
 * streams differ from numpy's, so the same seed gives a different forest from sklearn's, statistically
 * alike. Every node keeps its bootstrap-weighted cover and mean target, what TreeSHAP needs
 * (`toTreeEnsemble`).
 *
 * Interface after ml-random-forest's `RandomForestRegression` (options object, `train`, `predict`,
 * `toJSON`, static load), with typed row-major tables instead of nested arrays; training is asynchronous
 * because trees are built on worker threads. ml-random-forest itself was measured too slow (about 19 s per
 * tree on 3,200 x 73 rows, growing quadratically) and keeps no per-leaf sample counts.
 */
export class RandomForestRegressor {
  readonly options: Readonly<Required<RandomForestOptions>>;
  private fitted: { trees: RegressionTree[]; nFeatures: number } | null = null;

  constructor(options: RandomForestOptions) {
    const where = "RandomForestRegressor";
    const o = {
      nEstimators: options.nEstimators ?? 100,
      maxFeatures: options.maxFeatures ?? 1,
      bootstrap: options.bootstrap ?? true,
      minSamplesSplit: options.minSamplesSplit ?? 2,
      minSamplesLeaf: options.minSamplesLeaf ?? 1,
      maxDepth: options.maxDepth ?? Infinity,
      seed: options.seed,
    };
    if (!Number.isInteger(o.nEstimators) || o.nEstimators < 1) throw new InputError(where, `nEstimators must be a positive integer, got ${o.nEstimators}`);
    if (!(o.maxFeatures > 0) || (o.maxFeatures > 1 && !Number.isInteger(o.maxFeatures))) {
      throw new InputError(where, `maxFeatures must be a fraction in (0, 1] or an integer count >= 2, got ${o.maxFeatures}`);
    }
    if (typeof o.bootstrap !== "boolean") throw new InputError(where, `bootstrap must be true or false, got ${o.bootstrap}`);
    if (!Number.isInteger(o.minSamplesSplit) || o.minSamplesSplit < 2) throw new InputError(where, `minSamplesSplit must be an integer >= 2, got ${o.minSamplesSplit}`);
    if (!Number.isInteger(o.minSamplesLeaf) || o.minSamplesLeaf < 1) throw new InputError(where, `minSamplesLeaf must be an integer >= 1, got ${o.minSamplesLeaf}`);
    if (o.maxDepth !== Infinity && (!Number.isInteger(o.maxDepth) || o.maxDepth < 1)) {
      throw new InputError(where, `maxDepth must be a positive integer or Infinity, got ${o.maxDepth}`);
    }
    if (typeof o.seed === "number" ? !Number.isFinite(o.seed) : typeof o.seed !== "string") {
      throw new InputError(where, `seed must be a finite number or a string, got ${String(o.seed)}`);
    }
    this.options = Object.freeze(o);
  }

  /** True once `train` has finished (or the forest was loaded with `fromJSON`). */
  get isTrained(): boolean {
    return this.fitted !== null;
  }

  /** The fitted trees, in seed order (tree t grown from "<seed>:tree:<t>"). */
  get trees(): readonly RegressionTree[] {
    return this.assertTrained("trees").trees;
  }

  /** Number of features the forest was trained on. */
  get nFeatures(): number {
    return this.assertTrained("nFeatures").nFeatures;
  }

  /**
   * Fits the forest. Rows with missing values must be filled first (`fillMissingWithTrainMean`).
   * @param X training table, row-major nRows x nFeatures (cast to float32, as sklearn does)
   * @param y targets, length nRows (float64)
   * @returns this forest, once every tree is built
   */
  async train(X: Float64Array | Float32Array, nRows: number, nFeatures: number, y: Float64Array | Float32Array, trainOptions: TrainOptions = {}): Promise<this> {
    const where = "RandomForestRegressor.train";
    if (nRows === 0) throw new InputError(where, "empty training set (nRows = 0)");
    if (y.length !== nRows) throw new InputError(`${where} y`, `has ${y.length} targets for ${nRows} rows`);
    for (let i = 0; i < nRows; i++) {
      if (!Number.isFinite(y[i])) throw new InputError(`${where} y`, `target of row ${i} is ${y[i]}`);
    }
    const table = presortTable(X, nRows, nFeatures, `${where} X`);
    const params = this.treeParams(nFeatures);
    const nWorkers = trainOptions.nWorkers ?? (nRows * nFeatures < WORKER_MIN_CELLS ? 1 : os.availableParallelism());
    if (!Number.isInteger(nWorkers) || nWorkers < 1) throw new InputError(where, `nWorkers must be a positive integer, got ${nWorkers}`);
    const seeds = Array.from({ length: this.options.nEstimators }, (_, t) => `${this.options.seed}:tree:${t}`);
    const trees = await buildTrees(table, Float64Array.from(y), params, seeds, { nWorkers, onProgress: trainOptions.onProgress });
    this.fitted = { trees, nFeatures };
    return this;
  }

  /**
   * Predicted targets: the mean of the trees' leaf values (sklearn sums the trees in order, then divides).
   * Inputs are cast to float32 before the threshold comparisons, like sklearn's.
   * @param X rows to predict, row-major nRows x nFeatures, no missing values
   * @returns Float64Array of length nRows
   */
  predict(X: Float64Array | Float32Array, nRows: number): Float64Array {
    const where = "RandomForestRegressor.predict X";
    const { trees, nFeatures } = this.assertTrained("predict");
    if (!Number.isInteger(nRows) || nRows < 1) throw new InputError(where, `nRows must be a positive integer (no rows to predict), got ${nRows}`);
    if (X.length !== nRows * nFeatures) {
      throw new InputError(where, `has ${X.length} values for ${nRows} rows (${X.length / nRows} per row), but the forest was trained on ${nFeatures} features`);
    }
    const xF32 = new Float32Array(X.length);
    for (let i = 0; i < X.length; i++) {
      const v = Math.fround(X[i]);
      if (!Number.isFinite(v)) {
        const row = Math.floor(i / nFeatures);
        throw new InputError(where, `row ${row}, feature ${i - row * nFeatures} is ${X[i]}${Number.isNaN(v) ? " (fill missing values first)" : " (infinite or beyond the float32 range)"}`);
      }
      xF32[i] = v;
    }
    const out = new Float64Array(nRows);
    for (const tree of trees) {
      for (let r = 0; r < nRows; r++) out[r] += predictTreeRow(tree, xF32, r * nFeatures);
    }
    for (let r = 0; r < nRows; r++) out[r] /= trees.length;
    return out;
  }

  /** The fitted forest as JSON-safe data (exact: node arrays are stored as base64 of their bytes). */
  toJSON(): RandomForestJson {
    const { trees, nFeatures } = this.assertTrained("toJSON");
    const o = this.options;
    return {
      format: JSON_FORMAT,
      version: 1,
      options: { ...o, maxDepth: o.maxDepth === Infinity ? null : o.maxDepth },
      nFeatures,
      trees: trees.map((t) => ({
        nNodes: t.childrenLeft.length,
        childrenLeft: toBase64(t.childrenLeft),
        childrenRight: toBase64(t.childrenRight),
        feature: toBase64(t.feature),
        threshold: toBase64(t.threshold),
        value: toBase64(t.value),
        cover: toBase64(t.cover),
        nNodeSamples: toBase64(t.nNodeSamples),
      })),
    };
  }

  /**
   * Rebuilds a forest saved with `toJSON` (for example parsed from a cache file), checking its structure.
   * @throws InputError naming the tree and the field when the data is not a valid saved forest
   */
  static fromJSON(json: unknown): RandomForestRegressor {
    const where = "RandomForestRegressor.fromJSON";
    const j = json as Partial<RandomForestJson> | null;
    if (j === null || typeof j !== "object" || j.format !== JSON_FORMAT) throw new InputError(where, `not a saved forest (format must be "${JSON_FORMAT}")`);
    if (j.version !== 1) throw new InputError(where, `unsupported version ${String(j.version)} (expected 1)`);
    if (!j.options || typeof j.options !== "object") throw new InputError(where, "options missing");
    const forest = new RandomForestRegressor({ ...j.options, maxDepth: j.options.maxDepth ?? Infinity });
    const nFeatures = j.nFeatures;
    if (typeof nFeatures !== "number" || !Number.isInteger(nFeatures) || nFeatures < 1) throw new InputError(where, `nFeatures must be a positive integer, got ${String(nFeatures)}`);
    if (!Array.isArray(j.trees) || j.trees.length !== forest.options.nEstimators) {
      throw new InputError(where, `expected ${forest.options.nEstimators} trees, found ${Array.isArray(j.trees) ? j.trees.length : "none"}`);
    }
    const trees = j.trees.map((t, i) => decodeTree(t, nFeatures, `${where} tree ${i}`));
    forest.fitted = { trees, nFeatures };
    return forest;
  }

  private treeParams(nFeatures: number): TreeParams {
    const { maxFeatures } = this.options;
    let nSearched: number;
    if (maxFeatures <= 1) {
      nSearched = Math.max(1, Math.floor(maxFeatures * nFeatures));
    } else {
      if (maxFeatures > nFeatures) throw new InputError("RandomForestRegressor.train", `maxFeatures = ${maxFeatures} exceeds the ${nFeatures} features of X`);
      nSearched = maxFeatures;
    }
    const { bootstrap, minSamplesSplit, minSamplesLeaf, maxDepth } = this.options;
    return { maxFeatures: nSearched, bootstrap, minSamplesSplit, minSamplesLeaf, maxDepth };
  }

  private assertTrained(what: string): { trees: RegressionTree[]; nFeatures: number } {
    if (this.fitted === null) throw new InputError(`RandomForestRegressor.${what}`, "the forest is not trained yet: call train() or load one with fromJSON()");
    return this.fitted;
  }
}

function toBase64(a: Int32Array | Float64Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64");
}

function fromBase64<T extends Int32Array | Float64Array>(
  s: unknown,
  Type: { new (n: number): T; readonly BYTES_PER_ELEMENT: number },
  n: number,
  where: string,
): T {
  if (typeof s !== "string") throw new InputError(where, "missing (expected a base64 string)");
  const bytes = Buffer.from(s, "base64");
  if (bytes.length !== n * Type.BYTES_PER_ELEMENT) throw new InputError(where, `holds ${bytes.length} bytes, expected ${n} values of ${Type.BYTES_PER_ELEMENT} bytes`);
  const out = new Type(n);
  // Copy into a fresh, aligned buffer (Buffer.from may return a slice of a shared pool).
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

function decodeTree(t: RegressionTreeJson, nFeatures: number, where: string): RegressionTree {
  const n = t?.nNodes;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1) throw new InputError(where, `nNodes must be a positive integer, got ${String(n)}`);
  const tree: RegressionTree = {
    childrenLeft: fromBase64(t.childrenLeft, Int32Array, n, `${where} childrenLeft`),
    childrenRight: fromBase64(t.childrenRight, Int32Array, n, `${where} childrenRight`),
    feature: fromBase64(t.feature, Int32Array, n, `${where} feature`),
    threshold: fromBase64(t.threshold, Float64Array, n, `${where} threshold`),
    value: fromBase64(t.value, Float64Array, n, `${where} value`),
    cover: fromBase64(t.cover, Float64Array, n, `${where} cover`),
    nNodeSamples: fromBase64(t.nNodeSamples, Int32Array, n, `${where} nNodeSamples`),
  };
  // Preorder numbering: children come after their parent, so a walk always ends at a leaf.
  for (let node = 0; node < n; node++) {
    const left = tree.childrenLeft[node];
    const right = tree.childrenRight[node];
    if ((left < 0) !== (right < 0)) throw new InputError(where, `node ${node} has one child only`);
    if (!Number.isFinite(tree.value[node]) || !(tree.cover[node] > 0)) throw new InputError(where, `node ${node} has value ${tree.value[node]} and cover ${tree.cover[node]}`);
    if (left < 0) continue;
    if (left <= node || right <= node || left >= n || right >= n) throw new InputError(where, `node ${node} has children ${left}, ${right} outside ${node + 1}..${n - 1}`);
    const f = tree.feature[node];
    if (f < 0 || f >= nFeatures) throw new InputError(where, `node ${node} splits on feature ${f}, outside 0..${nFeatures - 1}`);
    if (Number.isNaN(tree.threshold[node])) throw new InputError(where, `node ${node} has a NaN threshold`);
  }
  return tree;
}
