import { InputError } from "../../core/errors";
import { assertAdditivity, DEFAULT_ADDITIVITY_TOLERANCE } from "./additivity";
import { PreparedEnsemble, PreparedTree, predictPreparedRow, prepareTreeEnsemble, roundToFloat32 } from "./prepared-ensemble";
import { checkFeatureMatrix, FeatureMatrix, TreeEnsemble } from "./tree-ensemble";
import { TreeShapOptions, TreeShapResult } from "./tree-shap";

/**
 * Interventional TreeSHAP (shap `TreeExplainer(model, data, feature_perturbation="interventional")`; spec:
 * docs/shap-reference.md C.5): for each background row r, the exact Shapley values of the game
 * v(S) = f(x_S, r_rest) (features in S from x, the others from r), averaged over the background rows.
 * `expectedValue` is the mean prediction on the background, so base + Σφ = f(x) exactly.
 *
 * Each (row, reference, tree) is one walk of the tree: where x and r take the same branch the split does not
 * depend on who owns its feature; where they differ, a feature already assigned to x or r on this path follows
 * its owner, and an unassigned one branches twice (owned by x, owned by r). A leaf of value v reached with m
 * features owned by x and n by r (N = m + n) gives each x-owned feature v·(m−1)!·n!/N! and each r-owned
 * feature −v·m!·(n−1)!/N!. Cost O(rows · references · nodes). shap runs this variant in float32; this runs
 * in float64, so expect ~1e-7 relative agreement with shap (and ~1e-15 with the brute-force game).
 *
 * @param X nRows × nFeatures, row-major, finite
 * @param background nBackground × nFeatures reference rows, row-major, finite (shap warns above 100 rows:
 *   the cost grows linearly with them)
 */
export function interventionalTreeShap(
  ensemble: TreeEnsemble,
  X: FeatureMatrix,
  nRows: number,
  background: FeatureMatrix,
  nBackground: number,
  options: TreeShapOptions = {},
): TreeShapResult {
  const p = prepareTreeEnsemble(ensemble, "interventionalTreeShap: ensemble");
  return interventionalTreeShapPrepared(p, X, nRows, prepareBackground(p, background, nBackground), options);
}

/** Background rows rounded to float32 with their mean prediction (shap's `expected_value` for this variant). */
export interface PreparedBackground {
  readonly rows: Float64Array;
  readonly nRows: number;
  readonly expectedValue: number;
}

/** Checks and rounds the background set once (TreeExplainer and the workers reuse it for every call). */
export function prepareBackground(p: PreparedEnsemble, background: FeatureMatrix, nBackground: number): PreparedBackground {
  checkFeatureMatrix(background, nBackground, p.nFeatures, "interventionalTreeShap: background");
  const rows = roundToFloat32(background);
  let sum = 0;
  for (let b = 0; b < nBackground; b++) sum += predictPreparedRow(p, rows, b * p.nFeatures);
  return { rows, nRows: nBackground, expectedValue: sum / nBackground };
}

/** `interventionalTreeShap` on a prepared ensemble and background. */
export function interventionalTreeShapPrepared(
  p: PreparedEnsemble,
  X: FeatureMatrix,
  nRows: number,
  background: PreparedBackground,
  options: TreeShapOptions = {},
): TreeShapResult {
  const { checkAdditivity = true, tolerance = DEFAULT_ADDITIVITY_TOLERANCE } = options;
  checkFeatureMatrix(X, nRows, p.nFeatures, "interventionalTreeShap: X");
  if (background.rows.length !== background.nRows * p.nFeatures) {
    throw new InputError("interventionalTreeShap: background", `has ${background.rows.length / background.nRows} features per row, the ensemble ${p.nFeatures}`);
  }
  const nF = p.nFeatures;
  const xRound = roundToFloat32(X);
  const values = new Float64Array(nRows * nF);
  const predictions = new Float64Array(nRows);
  const walker = new InterventionalWalker(p.maxDepth, nF);
  for (let row = 0; row < nRows; row++) {
    const x0 = row * nF;
    for (let b = 0; b < background.nRows; b++) {
      for (const tree of p.trees) walker.addTree(tree, xRound, x0, background.rows, b * nF, values, x0);
    }
    for (let i = 0; i < nF; i++) values[x0 + i] /= background.nRows;
    predictions[row] = predictPreparedRow(p, xRound, x0);
  }
  if (checkAdditivity) assertAdditivity(values, background.expectedValue, predictions, nRows, nF, tolerance, "interventionalTreeShap");
  return { values, expectedValue: background.expectedValue, predictions, nRows, nFeatures: nF };
}

const UNASSIGNED = 0;
const FROM_X = 1;
const FROM_REFERENCE = 2;

/** The walk of one (row, reference, tree) triple; one workspace, no allocation while walking. */
class InterventionalWalker {
  /** owner[f]: UNASSIGNED, FROM_X or FROM_REFERENCE on the current path. */
  private readonly owner: Uint8Array;
  /** Features assigned on the current path, in order. */
  private readonly assigned: Int32Array;
  private nAssigned = 0;
  /** shapleyWeight[a · stride + b] = a!·b!/(a + b + 1)!: the Shapley weight of a feature joining a of the others. */
  private readonly shapleyWeight: Float64Array;
  private readonly stride: number;

  private tree!: PreparedTree;
  private x = new Float64Array(0);
  private xOffset = 0;
  private reference = new Float64Array(0);
  private referenceOffset = 0;
  private phi = new Float64Array(0);
  private phiOffset = 0;

  constructor(maxDepth: number, nFeatures: number) {
    this.owner = new Uint8Array(nFeatures);
    this.assigned = new Int32Array(maxDepth + 1);
    this.stride = maxDepth + 1;
    this.shapleyWeight = new Float64Array(this.stride * this.stride);
    // a!·b!/(a+b+1)! = 1/((a+b+1)·C(a+b, a)), binomials from Pascal's triangle (exact below 2^53).
    const width = maxDepth + 1;
    const binomial = new Float64Array(width * width);
    for (let n = 0; n < width; n++) {
      binomial[n * width] = 1;
      for (let k = 1; k <= n; k++) binomial[n * width + k] = binomial[(n - 1) * width + k - 1] + (k < n ? binomial[(n - 1) * width + k] : 0);
    }
    for (let a = 0; a <= maxDepth; a++) {
      for (let b = 0; a + b <= maxDepth; b++) this.shapleyWeight[a * this.stride + b] = 1 / ((a + b + 1) * binomial[(a + b) * width + a]);
    }
  }

  /** Adds the tree's Shapley values of v(S) = tree(x_S, r_rest) to phi[phiOffset ..]. Inputs float32-rounded. */
  addTree(tree: PreparedTree, x: Float64Array, xOffset: number, reference: Float64Array, referenceOffset: number, phi: Float64Array, phiOffset: number): void {
    this.tree = tree;
    this.x = x;
    this.xOffset = xOffset;
    this.reference = reference;
    this.referenceOffset = referenceOffset;
    this.phi = phi;
    this.phiOffset = phiOffset;
    this.nAssigned = 0;
    this.walk(0, 0, 0);
  }

  private walk(node: number, nFromX: number, nFromReference: number): void {
    const { childrenLeft, childrenRight, feature, threshold } = this.tree;
    const left = childrenLeft[node];
    if (left === -1) {
      this.leaf(node, nFromX, nFromReference);
      return;
    }
    const f = feature[node];
    const xChild = this.x[this.xOffset + f] <= threshold[node] ? left : childrenRight[node];
    const referenceChild = this.reference[this.referenceOffset + f] <= threshold[node] ? left : childrenRight[node];
    if (xChild === referenceChild) {
      this.walk(xChild, nFromX, nFromReference);
      return;
    }
    const owner = this.owner[f];
    if (owner === FROM_X) this.walk(xChild, nFromX, nFromReference);
    else if (owner === FROM_REFERENCE) this.walk(referenceChild, nFromX, nFromReference);
    else {
      this.assigned[this.nAssigned++] = f;
      this.owner[f] = FROM_X;
      this.walk(xChild, nFromX + 1, nFromReference);
      this.owner[f] = FROM_REFERENCE;
      this.walk(referenceChild, nFromX, nFromReference + 1);
      this.owner[f] = UNASSIGNED;
      this.nAssigned--;
    }
  }

  private leaf(node: number, nFromX: number, nFromReference: number): void {
    if (this.nAssigned === 0) return; // f(x_S, r_rest) is the same for every S here
    const value = this.tree.scaledValue[node];
    const gain = nFromX > 0 ? value * this.shapleyWeight[(nFromX - 1) * this.stride + nFromReference] : 0;
    const loss = nFromReference > 0 ? value * this.shapleyWeight[nFromX * this.stride + nFromReference - 1] : 0;
    for (let k = 0; k < this.nAssigned; k++) {
      const f = this.assigned[k];
      this.phi[this.phiOffset + f] += this.owner[f] === FROM_X ? gain : -loss;
    }
  }
}
