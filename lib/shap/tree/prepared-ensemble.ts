import { TreeEnsemble, validateTreeEnsemble, withCoverWeightedValues } from "./tree-ensemble";

/**
 * One tree in the form the TreeSHAP walkers read: the routing arrays of the `Tree`, plus what they would
 * otherwise recompute at every node of every row.
 */
export interface PreparedTree {
  readonly childrenLeft: Int32Array;
  readonly childrenRight: Int32Array;
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  /**
   * Node values multiplied by the tree's scale, split nodes recomputed as cover-weighted means of their
   * children (shap multiplies by the scaling first, then runs `compute_expectations`).
   */
  readonly scaledValue: Float64Array;
  readonly cover: Float64Array;
  /** cover[childrenLeft[i]] / cover[i] and cover[childrenRight[i]] / cover[i] at split nodes (0 at leaves). */
  readonly leftFraction: Float64Array;
  readonly rightFraction: Float64Array;
  /** Splits on the longest root-to-leaf path. */
  readonly maxDepth: number;
  /** usesFeature[f] = 1 iff some split node of this tree tests feature f. */
  readonly usesFeature: Uint8Array;
  /** bothLeaves[i] = 1 iff node i is a split whose two children are leaves. */
  readonly bothLeaves: Uint8Array;
}

/** A validated ensemble ready for the TreeSHAP walkers (see `prepareTreeEnsemble`). */
export interface PreparedEnsemble {
  readonly source: TreeEnsemble;
  readonly trees: readonly PreparedTree[];
  readonly nFeatures: number;
  readonly baseOffset: number;
  /** Largest tree depth in the ensemble: sizes the walkers' workspaces. */
  readonly maxDepth: number;
  /**
   * E[f(X)] of path-dependent TreeSHAP: baseOffset + Σ_t root value of the scaled, cover-weighted tree
   * (docs/shap-reference.md C.1: the mean of the trees' bootstrap-sample means for a random forest).
   */
  readonly expectedValue: number;
}

/**
 * Validates `e` (throwing an `InputError` naming the tree and node on bad input) and precomputes, once per
 * ensemble, the arrays TreeSHAP reads at every node: scaled values, child cover fractions, depths and the
 * features each tree uses. The arrays of `e` are referenced, not copied, except the recomputed values.
 */
export function prepareTreeEnsemble(e: TreeEnsemble, where = "TreeEnsemble"): PreparedEnsemble {
  const depths = validateTreeEnsemble(e, where);
  const trees: PreparedTree[] = [];
  let maxDepth = 0;
  let expectedValue = e.baseOffset;
  for (let t = 0; t < e.trees.length; t++) {
    const tree = e.trees[t];
    const depth = depths[t];
    const scale = e.scale[t];
    const scaled = withCoverWeightedValues({ ...tree, value: tree.value.map((v) => v * scale) });
    const nNodes = tree.childrenLeft.length;
    const leftFraction = new Float64Array(nNodes);
    const rightFraction = new Float64Array(nNodes);
    const usesFeature = new Uint8Array(e.nFeatures);
    const bothLeaves = new Uint8Array(nNodes);
    for (let i = 0; i < nNodes; i++) {
      const l = tree.childrenLeft[i], r = tree.childrenRight[i];
      if (l === -1) continue;
      leftFraction[i] = tree.cover[l] / tree.cover[i];
      rightFraction[i] = tree.cover[r] / tree.cover[i];
      usesFeature[tree.feature[i]] = 1;
      bothLeaves[i] = tree.childrenLeft[l] === -1 && tree.childrenLeft[r] === -1 ? 1 : 0;
    }
    trees.push({
      childrenLeft: tree.childrenLeft,
      childrenRight: tree.childrenRight,
      feature: tree.feature,
      threshold: tree.threshold,
      scaledValue: scaled.value,
      cover: tree.cover,
      leftFraction,
      rightFraction,
      maxDepth: depth,
      usesFeature,
      bothLeaves,
    });
    if (depth > maxDepth) maxDepth = depth;
    expectedValue += scaled.value[0];
  }
  return { source: e, trees, nFeatures: e.nFeatures, baseOffset: e.baseOffset, maxDepth, expectedValue };
}

/**
 * Model output per row from a prepared ensemble, with scikit-learn's float32 routing: `xRound` holds the row
 * already rounded with `Math.fround`.
 */
export function predictPreparedRow(p: PreparedEnsemble, xRound: Float64Array, offset: number): number {
  let sum = 0;
  for (let t = 0; t < p.trees.length; t++) {
    const { childrenLeft, childrenRight, feature, threshold, scaledValue } = p.trees[t];
    let node = 0;
    while (childrenLeft[node] !== -1) {
      node = xRound[offset + feature[node]] <= threshold[node] ? childrenLeft[node] : childrenRight[node];
    }
    sum += scaledValue[node];
  }
  return p.baseOffset + sum;
}

/**
 * The inputs as TreeSHAP compares them: every value rounded to float32 with `Math.fround` (scikit-learn and
 * shap cast X to float32 before routing), kept in a Float64Array so comparisons with the float64 thresholds
 * are exact. Same layout as `X`.
 */
export function roundToFloat32(X: ArrayLike<number>): Float64Array {
  const out = new Float64Array(X.length);
  for (let i = 0; i < X.length; i++) out[i] = Math.fround(X[i]);
  return out;
}
