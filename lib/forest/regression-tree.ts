import type { Tree } from "../shap/tree/tree-ensemble";

/**
 * One fitted regression tree in scikit-learn's flat `tree_` layout, which is also the neutral `Tree` form
 * of lib/shap/tree: parallel arrays over nodes, node 0 the root, nodes numbered in depth-first preorder
 * (left subtree first), as sklearn's DepthFirstTreeBuilder numbers them.
 * - `childrenLeft`, `childrenRight`: child indices, -1 at leaves;
 * - `feature`, `threshold`: split rule "go left iff float32(x[feature]) <= threshold"; both -2 at leaves
 *   (sklearn's TREE_UNDEFINED);
 * - `value`: bootstrap-weighted mean target of the node's training samples;
 * - `cover`: bootstrap-weighted number of training samples in the node (sklearn
 *   `weighted_n_node_samples`), what TreeSHAP weighs the branches with;
 * - `nNodeSamples`: number of distinct training rows in the node (sklearn `n_node_samples`).
 */
export interface RegressionTree extends Tree {
  readonly nNodeSamples: Int32Array;
}

/** Marker of leaves in `feature` and `threshold` (sklearn's TREE_UNDEFINED). */
export const TREE_UNDEFINED = -2;

/** Depth of a tree: the number of splits on the longest root-to-leaf path (a lone root has depth 0). */
export function treeDepth(tree: Tree): number {
  const nNodes = tree.childrenLeft.length;
  const nodeStack = new Int32Array(nNodes);
  const depthStack = new Int32Array(nNodes);
  let top = 0;
  let maxDepth = 0;
  nodeStack[top] = 0;
  depthStack[top++] = 0;
  while (top > 0) {
    const node = nodeStack[--top];
    const depth = depthStack[top];
    if (depth > maxDepth) maxDepth = depth;
    if (tree.childrenLeft[node] < 0) continue;
    nodeStack[top] = tree.childrenLeft[node];
    depthStack[top++] = depth + 1;
    nodeStack[top] = tree.childrenRight[node];
    depthStack[top++] = depth + 1;
  }
  return maxDepth;
}

/** Number of leaves of a tree. */
export function countLeaves(tree: Tree): number {
  let n = 0;
  for (let node = 0; node < tree.childrenLeft.length; node++) if (tree.childrenLeft[node] < 0) n++;
  return n;
}

/**
 * The leaf value a tree gives one row: walks from the root, going left iff float32(x[feature]) <= threshold
 * (sklearn casts inputs to float32; thresholds are midpoints between float32 values).
 * @param xF32 the rows, float32, row-major (nRows x nFeatures)
 * @param rowOffset index in `xF32` of the row's first feature (row * nFeatures)
 */
export function predictTreeRow(tree: Tree, xF32: Float32Array, rowOffset: number): number {
  const { childrenLeft, childrenRight, feature, threshold } = tree;
  let node = 0;
  while (childrenLeft[node] >= 0) {
    node = xF32[rowOffset + feature[node]] <= threshold[node] ? childrenLeft[node] : childrenRight[node];
  }
  return tree.value[node];
}
