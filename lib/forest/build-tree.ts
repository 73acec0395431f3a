import { Rng } from "../core/rng";
import type { PresortedTable } from "./presorted-table";
import { TREE_UNDEFINED, type RegressionTree } from "./regression-tree";

/** Growth settings of one tree, scikit-learn's names and meanings (all already resolved to numbers). */
export interface TreeParams {
  /** Features drawn (without replacement) and searched at each split, 1..nFeatures. */
  readonly maxFeatures: number;
  /** Draw a bootstrap sample (nRows draws with replacement) instead of using every row once. */
  readonly bootstrap: boolean;
  /** A node with fewer distinct rows than this is a leaf. */
  readonly minSamplesSplit: number;
  /** A split may not leave fewer distinct rows than this on either side. */
  readonly minSamplesLeaf: number;
  /** Maximum depth (Infinity: grow until the leaves are pure or cannot be split). */
  readonly maxDepth: number;
}

/**
 * scikit-learn's FEATURE_THRESHOLD: two float32 values closer than this count as equal, so no split falls
 * between them and a feature whose node range is within it counts as constant.
 */
const FEATURE_THRESHOLD = 1e-7;
/** scikit-learn's EPSILON (double machine epsilon): a node with impurity at most this is a leaf. */
const EPSILON = 2.220446049250313e-16;

/**
 * Grows regression trees on one presorted table with scikit-learn's algorithm (DepthFirstTreeBuilder +
 * BestSplitter + MSE criterion, sklearn/tree/_tree.pyx, _splitter.pyx, _criterion.pyx):
 * - bootstrap as sample weights: nRows draws with replacement, each row weighted by its multiplicity, rows
 *   drawn zero times left out (sklearn's `_parallel_build_trees`);
 * - at each node, features visited in random order until `maxFeatures` have been searched and at least one
 *   was not constant; for each, every position between consecutive distinct float32 values is a candidate
 *   and the split maximising sum_left^2 / w_left + sum_right^2 / w_right (the MSE proxy) wins, the first
 *   one found winning ties;
 * - threshold = midpoint of the two float32 values, computed in double (so float32(x) <= threshold routes
 *   every training row to its side);
 * - a node is a leaf when at `maxDepth`, with fewer than `minSamplesSplit` or `2 * minSamplesLeaf`
 *   distinct rows, with weighted variance <= EPSILON, or when no split exists.
 * The random stream (bootstrap, then feature orders) comes from the tree's own seed, so a tree does not
 * depend on which thread builds it. The builder keeps its buffers between trees; it allocates per tree only
 * the returned arrays.
 */
export class TreeBuilder {
  private readonly n: number;
  private readonly nFeatures: number;
  /** Bootstrap multiplicity of each table row. */
  private readonly counts: Int32Array;
  /** Row -> index among the tree's in-bag rows ("local" index). */
  private readonly localOf: Int32Array;
  /** Per local index: weight and weight * y, interleaved for locality in the split scan. */
  private readonly weightAndWy: Float64Array;
  private readonly yLocal: Float64Array;
  /** Per feature f, positions f*n .. f*n+m-1: local indices / values of the in-bag rows, sorted per node. */
  private readonly idx: Int32Array;
  private readonly vals: Float32Array;
  private readonly goesLeft: Uint8Array;
  private readonly tmpIdx: Int32Array;
  private readonly tmpVals: Float32Array;
  private readonly featureOrder: Int32Array;

  /**
   * @param table the presorted training table
   * @param y targets, length table.nRows
   */
  constructor(private readonly table: PresortedTable, private readonly y: Float64Array | Float32Array, private readonly params: TreeParams) {
    const n = table.nRows;
    this.n = n;
    this.nFeatures = table.nFeatures;
    this.counts = new Int32Array(n);
    this.localOf = new Int32Array(n);
    this.weightAndWy = new Float64Array(2 * n);
    this.yLocal = new Float64Array(n);
    this.idx = new Int32Array(n * table.nFeatures);
    this.vals = new Float32Array(n * table.nFeatures);
    this.goesLeft = new Uint8Array(n);
    this.tmpIdx = new Int32Array(n);
    this.tmpVals = new Float32Array(n);
    this.featureOrder = new Int32Array(table.nFeatures);
  }

  /** Grows one tree from its seed (see the class comment for the algorithm). */
  build(seed: string | number): RegressionTree {
    const rng = new Rng(seed);
    const m = this.drawSample(rng);
    this.gatherSortedColumns(m);
    return this.grow(m, rng);
  }

  /** Fills `counts` (bootstrap multiplicities), the local arrays, and returns the number of in-bag rows. */
  private drawSample(rng: Rng): number {
    const { n, counts, localOf, weightAndWy, yLocal, y } = this;
    if (this.params.bootstrap) {
      counts.fill(0);
      for (let i = 0; i < n; i++) counts[rng.int(n)]++;
    } else {
      counts.fill(1);
    }
    let m = 0;
    for (let row = 0; row < n; row++) {
      if (counts[row] === 0) continue;
      localOf[row] = m;
      weightAndWy[2 * m] = counts[row];
      weightAndWy[2 * m + 1] = counts[row] * y[row];
      yLocal[m] = y[row];
      m++;
    }
    return m;
  }

  /** Copies the in-bag rows of every presorted column, in sorted order, to the per-tree arrays. */
  private gatherSortedColumns(m: number): void {
    const { n, counts, localOf, idx, vals } = this;
    const { order, sortedValues } = this.table;
    for (let f = 0; f < this.nFeatures; f++) {
      const src = f * n;
      let dst = f * n;
      for (let k = 0; k < n; k++) {
        const row = order[src + k];
        if (counts[row] === 0) continue;
        idx[dst] = localOf[row];
        vals[dst] = sortedValues[src + k];
        dst++;
      }
      if (dst - f * n !== m) throw new Error(`TreeBuilder: internal error, column ${f} has ${dst - f * n} in-bag rows, expected ${m}`);
    }
  }

  private grow(m: number, rng: Rng): RegressionTree {
    const { n, nFeatures, idx, vals, weightAndWy, yLocal, goesLeft, tmpIdx, tmpVals, featureOrder } = this;
    const { maxFeatures, minSamplesSplit, minSamplesLeaf, maxDepth } = this.params;
    // A binary tree over m distinct rows with non-empty leaves has at most 2m - 1 nodes.
    const capacity = 2 * m - 1;
    const childrenLeft = new Int32Array(capacity).fill(-1);
    const childrenRight = new Int32Array(capacity).fill(-1);
    const feature = new Int32Array(capacity).fill(TREE_UNDEFINED);
    const threshold = new Float64Array(capacity).fill(TREE_UNDEFINED);
    const value = new Float64Array(capacity);
    const cover = new Float64Array(capacity);
    const nNodeSamples = new Int32Array(capacity);
    for (let f = 0; f < nFeatures; f++) featureOrder[f] = f;

    // Depth-first stack of pending nodes: range [start, end) of every column, depth, parent, side.
    const stackStart: number[] = [0];
    const stackEnd: number[] = [m];
    const stackDepth: number[] = [0];
    const stackParent: number[] = [-1];
    const stackIsLeft: boolean[] = [false];
    let nNodes = 0;

    while (stackStart.length > 0) {
      const start = stackStart.pop()!;
      const end = stackEnd.pop()!;
      const depth = stackDepth.pop()!;
      const parent = stackParent.pop()!;
      const isLeft = stackIsLeft.pop()!;
      const node = nNodes++;
      if (parent >= 0) {
        if (isLeft) childrenLeft[parent] = node;
        else childrenRight[parent] = node;
      }

      // Node totals, over the node's rows as listed in column 0.
      let wTotal = 0;
      let wyTotal = 0;
      let wy2Total = 0;
      for (let k = start; k < end; k++) {
        const l = idx[k];
        const w = weightAndWy[2 * l];
        wTotal += w;
        wyTotal += weightAndWy[2 * l + 1];
        wy2Total += w * yLocal[l] * yLocal[l];
      }
      const nNode = end - start;
      const mean = wyTotal / wTotal;
      const impurity = wy2Total / wTotal - mean * mean;
      value[node] = mean;
      cover[node] = wTotal;
      nNodeSamples[node] = nNode;

      if (depth >= maxDepth || nNode < minSamplesSplit || nNode < 2 * minSamplesLeaf || impurity <= EPSILON) continue;

      // Best split: features in random order (Fisher-Yates drawn lazily), until maxFeatures visited and at
      // least one non-constant feature searched.
      let bestProxy = -Infinity;
      let bestFeature = -1;
      let bestPos = -1;
      let nVisited = 0;
      let nSearched = 0;
      while (nVisited < nFeatures && (nVisited < maxFeatures || nSearched === 0)) {
        const j = nVisited + rng.int(nFeatures - nVisited);
        const f = featureOrder[j];
        featureOrder[j] = featureOrder[nVisited];
        featureOrder[nVisited] = f;
        nVisited++;
        const base = f * n;
        if (vals[base + end - 1] <= vals[base + start] + FEATURE_THRESHOLD) continue;
        nSearched++;
        let wLeft = 0;
        let wyLeft = 0;
        for (let k = start; k < end - 1; k++) {
          const l = idx[base + k];
          wLeft += weightAndWy[2 * l];
          wyLeft += weightAndWy[2 * l + 1];
          if (vals[base + k + 1] <= vals[base + k] + FEATURE_THRESHOLD) continue;
          const pos = k + 1;
          if (pos - start < minSamplesLeaf) continue;
          if (end - pos < minSamplesLeaf) break;
          const wyRight = wyTotal - wyLeft;
          const proxy = (wyLeft * wyLeft) / wLeft + (wyRight * wyRight) / (wTotal - wLeft);
          if (proxy > bestProxy) {
            bestProxy = proxy;
            bestFeature = f;
            bestPos = pos;
          }
        }
      }
      if (bestFeature < 0) continue;

      // sklearn also refuses a split whose impurity decrease is negative beyond EPSILON (rounding noise in
      // nodes whose target is constant up to a few ulps).
      const bestBase = bestFeature * n;
      let wLeft = 0;
      let wyLeft = 0;
      let wy2Left = 0;
      for (let k = start; k < bestPos; k++) {
        const l = idx[bestBase + k];
        const w = weightAndWy[2 * l];
        wLeft += w;
        wyLeft += weightAndWy[2 * l + 1];
        wy2Left += w * yLocal[l] * yLocal[l];
      }
      const wRight = wTotal - wLeft;
      const impurityLeft = wy2Left / wLeft - (wyLeft / wLeft) ** 2;
      const impurityRight = (wy2Total - wy2Left) / wRight - ((wyTotal - wyLeft) / wRight) ** 2;
      const improvement = impurity - (wRight / wTotal) * impurityRight - (wLeft / wTotal) * impurityLeft;
      if (improvement + EPSILON < 0) continue;

      // Two distinct float32 values are at least a float32 ulp apart, far above double rounding, so their
      // midpoint in double lies strictly between them and sklearn's fallback to the lower value (for a
      // midpoint rounding up to the upper one) never applies.
      feature[node] = bestFeature;
      threshold[node] = vals[bestBase + bestPos - 1] / 2 + vals[bestBase + bestPos] / 2;

      // Partition every other column stably: rows of the left child first, each side still sorted.
      for (let k = start; k < end; k++) goesLeft[idx[bestBase + k]] = k < bestPos ? 1 : 0;
      for (let f = 0; f < nFeatures; f++) {
        if (f === bestFeature) continue;
        const base = f * n;
        let nextLeft = base + start;
        let nRight = 0;
        for (let k = base + start; k < base + end; k++) {
          const l = idx[k];
          if (goesLeft[l] === 1) {
            idx[nextLeft] = l;
            vals[nextLeft] = vals[k];
            nextLeft++;
          } else {
            tmpIdx[nRight] = l;
            tmpVals[nRight] = vals[k];
            nRight++;
          }
        }
        idx.set(tmpIdx.subarray(0, nRight), nextLeft);
        vals.set(tmpVals.subarray(0, nRight), nextLeft);
      }

      // Right pushed first so the left child is popped (and numbered) first, as in sklearn.
      stackStart.push(bestPos, start);
      stackEnd.push(end, bestPos);
      stackDepth.push(depth + 1, depth + 1);
      stackParent.push(node, node);
      stackIsLeft.push(false, true);
    }

    return {
      childrenLeft: childrenLeft.slice(0, nNodes),
      childrenRight: childrenRight.slice(0, nNodes),
      feature: feature.slice(0, nNodes),
      threshold: threshold.slice(0, nNodes),
      value: value.slice(0, nNodes),
      cover: cover.slice(0, nNodes),
      nNodeSamples: nNodeSamples.slice(0, nNodes),
    };
  }
}
