import { InputError } from "../../core/errors";

/**
 * The neutral tree-ensemble form that shap's TreeExplainer and scikit-learn use (shap `TreeEnsemble` in
 * `shap/explainers/_tree.py`; sklearn `tree_` arrays). lib/shap/tree reads only this form; forests are
 * converted into it (lib/forest) or imported from a scikit-learn export.
 *
 * Per tree, parallel arrays over nodes (node 0 is the root):
 * - `childrenLeft`, `childrenRight`: child node indices, -1 at leaves;
 * - `feature`: split feature index (ignored at leaves; sklearn writes -2);
 * - `threshold`: go left iff float32(x[feature]) <= threshold (sklearn's rule);
 * - `value`: node prediction (for internal nodes, the cover-weighted mean of the children);
 * - `cover`: node training-sample weight (bootstrap-weighted for a random forest).
 * The ensemble output is baseOffset + sum over trees of scale[t] * tree_t(x) (scale 1/nTrees for a
 * random-forest mean).
 */
export interface Tree {
  readonly childrenLeft: Int32Array;
  readonly childrenRight: Int32Array;
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly value: Float64Array;
  readonly cover: Float64Array;
}

export interface TreeEnsemble {
  readonly trees: readonly Tree[];
  /** Multiplier of each tree's output (1/nTrees for a random forest). */
  readonly scale: Float64Array;
  /** Number of input features. */
  readonly nFeatures: number;
  /** Constant added to the ensemble output (0 for a random forest). */
  readonly baseOffset: number;
  /** Optional feature names, length nFeatures. */
  readonly featureNames?: readonly string[];
}

/** A feature matrix: nRows × nFeatures, row-major (`X[row * nFeatures + feature]`). */
export type FeatureMatrix = Float64Array | Float32Array;

/**
 * Checks that `e` is a well-formed ensemble and throws an `InputError` naming the tree, the node and what is
 * wrong otherwise. Checked: the per-tree arrays have one common length ≥ 1; a node is a leaf iff both children
 * are -1 (a node with exactly one child is rejected); children lie in [0, nNodes); walking from the root reaches
 * no node twice (no cycle, no shared subtree) and reaches every node; split features are integers in
 * [0, nFeatures); thresholds of split nodes and all values are finite; covers are finite and ≥ 0, and > 0 at
 * split nodes (TreeSHAP divides by them); `scale` has one finite entry per tree; `baseOffset` is finite;
 * `featureNames`, when given, has nFeatures entries.
 *
 * @param e the ensemble; `where` prefixes the error messages (default "TreeEnsemble")
 * @returns the depth of each tree (splits on its longest root-to-leaf path)
 */
export function validateTreeEnsemble(e: TreeEnsemble, where = "TreeEnsemble"): number[] {
  if (e === null || typeof e !== "object") throw new InputError(where, "expected a TreeEnsemble object");
  if (!Number.isInteger(e.nFeatures) || e.nFeatures < 1) {
    throw new InputError(where, `nFeatures must be a positive integer, got ${e.nFeatures}`);
  }
  if (!Array.isArray(e.trees) || e.trees.length === 0) throw new InputError(where, "the ensemble has no trees");
  if (!(e.scale instanceof Float64Array) || e.scale.length !== e.trees.length) {
    throw new InputError(where, `scale must be a Float64Array with one entry per tree (${e.trees.length}), got length ${e.scale?.length}`);
  }
  for (let t = 0; t < e.scale.length; t++) {
    if (!Number.isFinite(e.scale[t])) throw new InputError(where, `scale[${t}] is ${e.scale[t]}, not finite`);
  }
  if (!Number.isFinite(e.baseOffset)) throw new InputError(where, `baseOffset is ${e.baseOffset}, not finite`);
  if (e.featureNames !== undefined && e.featureNames.length !== e.nFeatures) {
    throw new InputError(where, `featureNames has ${e.featureNames.length} names for ${e.nFeatures} features`);
  }
  return e.trees.map((tree, t) => validateTree(tree, e.nFeatures, `${where}.trees[${t}]`));
}

/**
 * Checks one tree (see `validateTreeEnsemble`) and returns its depth: the number of splits on the longest
 * root-to-leaf path (0 for a single leaf).
 */
export function validateTree(tree: Tree, nFeatures: number, where = "Tree"): number {
  const { childrenLeft: left, childrenRight: right, feature, threshold, value, cover } = tree;
  const arrays: [string, unknown, Function][] = [
    ["childrenLeft", left, Int32Array],
    ["childrenRight", right, Int32Array],
    ["feature", feature, Int32Array],
    ["threshold", threshold, Float64Array],
    ["value", value, Float64Array],
    ["cover", cover, Float64Array],
  ];
  for (const [name, a, type] of arrays) {
    if (!(a instanceof type)) throw new InputError(where, `${name} must be a ${type.name}`);
  }
  const nNodes = left.length;
  if (nNodes === 0) throw new InputError(where, "the tree has no nodes");
  for (const [name, a] of arrays) {
    const n = (a as ArrayLike<number>).length;
    if (n !== nNodes) throw new InputError(where, `${name} has ${n} entries but childrenLeft has ${nNodes} (one per node)`);
  }
  for (let i = 0; i < nNodes; i++) {
    const l = left[i], r = right[i];
    if ((l === -1) !== (r === -1)) {
      throw new InputError(where, `node ${i} has childrenLeft ${l} and childrenRight ${r}: a leaf needs both -1, a split node two children`);
    }
    if (!Number.isFinite(value[i])) throw new InputError(where, `node ${i} has value ${value[i]}, not finite`);
    if (!(cover[i] >= 0) || !Number.isFinite(cover[i])) throw new InputError(where, `node ${i} has cover ${cover[i]}: covers must be finite and >= 0`);
    if (l === -1) continue;
    for (const c of [l, r]) {
      if (c < 0 || c >= nNodes) throw new InputError(where, `node ${i} has child ${c}, out of range [0, ${nNodes})`);
    }
    const f = feature[i];
    if (f < 0 || f >= nFeatures) throw new InputError(where, `node ${i} splits on feature ${f}, out of range [0, ${nFeatures}) (nFeatures = ${nFeatures})`);
    if (!Number.isFinite(threshold[i])) throw new InputError(where, `node ${i} has threshold ${threshold[i]}, not finite`);
    if (!(cover[i] > 0)) throw new InputError(where, `split node ${i} has cover 0: TreeSHAP divides by the cover of split nodes`);
  }
  // Depth-first walk from the root with an explicit stack: each node must be met exactly once.
  const depth = new Int32Array(nNodes).fill(-1);
  const stack = new Int32Array(nNodes);
  let top = 0, maxDepth = 0;
  stack[top++] = 0;
  depth[0] = 0;
  while (top > 0) {
    const i = stack[--top];
    if (depth[i] > maxDepth) maxDepth = depth[i];
    if (left[i] === -1) continue;
    for (const c of [left[i], right[i]]) {
      if (depth[c] !== -1) {
        throw new InputError(where, `node ${c} is reached twice (again from node ${i}): the nodes do not form a tree (cycle or shared child)`);
      }
      depth[c] = depth[i] + 1;
      stack[top++] = c;
    }
  }
  const unreached = depth.indexOf(-1);
  if (unreached !== -1) throw new InputError(where, `node ${unreached} is not reachable from the root (node 0)`);
  return maxDepth;
}

/**
 * Predicts the ensemble output for every row: `baseOffset + Σ_t scale[t] · tree_t(x)`, routing left iff
 * `Math.fround(x[feature]) <= threshold` (scikit-learn casts inputs to float32; its thresholds sit between
 * float32 values, so routing in float64 would disagree exactly at split points). Validates `e` and `X`
 * (shape, finiteness) first.
 *
 * @param X nRows × nFeatures, row-major
 * @returns nRows predictions, in the units of the tree values
 */
export function predictTreeEnsemble(e: TreeEnsemble, X: FeatureMatrix, nRows: number): Float64Array {
  validateTreeEnsemble(e, "predictTreeEnsemble: ensemble");
  checkFeatureMatrix(X, nRows, e.nFeatures, "predictTreeEnsemble: X");
  const nF = e.nFeatures;
  const out = new Float64Array(nRows);
  for (let row = 0; row < nRows; row++) {
    const offset = row * nF;
    let sum = 0;
    for (let t = 0; t < e.trees.length; t++) {
      const { childrenLeft, childrenRight, feature, threshold, value } = e.trees[t];
      let node = 0;
      while (childrenLeft[node] !== -1) {
        node = Math.fround(X[offset + feature[node]]) <= threshold[node] ? childrenLeft[node] : childrenRight[node];
      }
      sum += e.scale[t] * value[node];
    }
    out[row] = e.baseOffset + sum;
  }
  return out;
}

/**
 * Returns a copy of `tree` whose split-node values are the cover-weighted means of their children, computed
 * bottom-up exactly as shap's `compute_expectations` does: `(cover_l·v_l + cover_r·v_r) / (cover_l + cover_r)`,
 * and 0 when both children have zero cover. Leaf values are kept. This makes the root value the expectation
 * that path-dependent TreeSHAP attributes from (docs/shap-reference.md C.1). The tree must be valid.
 */
export function withCoverWeightedValues(tree: Tree): Tree {
  const { childrenLeft: left, childrenRight: right, cover } = tree;
  const value = Float64Array.from(tree.value);
  // Pre-order by an explicit stack, then visit in reverse so children come before their parent.
  const order = new Int32Array(left.length);
  let n = 0, top = 0;
  const stack = new Int32Array(left.length);
  stack[top++] = 0;
  while (top > 0) {
    const i = stack[--top];
    order[n++] = i;
    if (left[i] !== -1) {
      stack[top++] = left[i];
      stack[top++] = right[i];
    }
  }
  for (let k = n - 1; k >= 0; k--) {
    const i = order[k];
    if (left[i] === -1) continue;
    const wl = cover[left[i]], wr = cover[right[i]];
    value[i] = wl === 0 && wr === 0 ? 0 : (wl * value[left[i]] + wr * value[right[i]]) / (wl + wr);
  }
  return { ...tree, value };
}

/**
 * Throws an `InputError` (prefixed by `where`) unless `X` is a Float64Array or Float32Array holding exactly
 * nRows × nFeatures finite numbers with nRows ≥ 1. NaN is rejected with its row and feature: the missing-value
 * routing of shap (default children) is not supported.
 */
export function checkFeatureMatrix(X: FeatureMatrix, nRows: number, nFeatures: number, where: string): void {
  if (!(X instanceof Float64Array || X instanceof Float32Array)) throw new InputError(where, "must be a Float64Array or Float32Array (row-major nRows × nFeatures)");
  if (!Number.isInteger(nRows) || nRows < 1) throw new InputError(where, `nRows must be a positive integer, got ${nRows} (empty input)`);
  if (X.length !== nRows * nFeatures) {
    throw new InputError(where, `has ${X.length} values, expected nRows × nFeatures = ${nRows} × ${nFeatures} = ${nRows * nFeatures}`);
  }
  for (let i = 0; i < X.length; i++) {
    if (!Number.isFinite(X[i])) {
      const row = Math.floor(i / nFeatures);
      throw new InputError(where, `row ${row}, feature ${i - row * nFeatures} is ${X[i]}: missing or infinite feature values are not supported`);
    }
  }
}
