import { InputError } from "../../../lib/core/errors";
import { checkFeatureMatrix, FeatureMatrix, Tree, TreeEnsemble, validateTreeEnsemble } from "../../../lib/shap/tree/tree-ensemble";

/** Largest feature count the brute-force oracles accept (2^F coalitions per row). */
export const BRUTE_FORCE_MAX_FEATURES = 16;

/**
 * Exact Shapley values of path-dependent TreeSHAP's game by enumerating every coalition (spec:
 * docs/shap-reference.md C.2): v(S) = Σ_t scale_t · E_t[f | x_S], where at a split on a feature in S the
 * walk follows x (float32 routing) and otherwise averages both children by cover (cover_child / cover_node,
 * as TreeSHAP does), and φ_i = Σ_{S ⊆ F∖{i}} |S|!(F − |S| − 1)!/F! · (v(S ∪ {i}) − v(S)). This is the oracle
 * shap's own tests use; it shares no code with `treeShap`. Cost O(rows · 2^F · nodes): small F only.
 *
 * @param X nRows × nFeatures, row-major
 * @returns nRows × nFeatures SHAP values, row-major
 */
export function bruteForceTreeShap(ensemble: TreeEnsemble, X: FeatureMatrix, nRows: number): Float64Array {
  const nF = checkOracleInput(ensemble, X, nRows, "bruteForceTreeShap");
  const out = new Float64Array(nRows * nF);
  for (let row = 0; row < nRows; row++) {
    const x = Array.from(X.subarray(row * nF, (row + 1) * nF), Math.fround);
    const v = (mask: number): number => {
      let sum = 0;
      ensemble.trees.forEach((tree, t) => (sum += ensemble.scale[t] * conditionalExpectation(tree, 0, x, mask)));
      return sum;
    };
    shapleyFromGame(v, nF, out, row * nF);
  }
  return out;
}

/**
 * Exact Shapley values of the interventional game by enumerating every coalition (docs/shap-reference.md C.5):
 * v(S) = mean over the background rows r of f(x_S, r_rest), the model evaluated on the row taking the features
 * in S from x and the others from r (float32 routing). The oracle for `interventionalTreeShap`.
 *
 * @param X nRows × nFeatures, row-major
 * @param background nBackground × nFeatures, row-major
 * @returns nRows × nFeatures SHAP values, row-major
 */
export function bruteForceInterventionalShap(
  ensemble: TreeEnsemble,
  X: FeatureMatrix,
  nRows: number,
  background: FeatureMatrix,
  nBackground: number,
): Float64Array {
  const nF = checkOracleInput(ensemble, X, nRows, "bruteForceInterventionalShap");
  checkFeatureMatrix(background, nBackground, nF, "bruteForceInterventionalShap: background");
  const out = new Float64Array(nRows * nF);
  const hybrid = new Array<number>(nF);
  for (let row = 0; row < nRows; row++) {
    const v = (mask: number): number => {
      let sum = 0;
      for (let b = 0; b < nBackground; b++) {
        for (let i = 0; i < nF; i++) hybrid[i] = Math.fround(mask & (1 << i) ? X[row * nF + i] : background[b * nF + i]);
        ensemble.trees.forEach((tree, t) => (sum += ensemble.scale[t] * conditionalExpectation(tree, 0, hybrid, (1 << nF) - 1)));
      }
      return sum / nBackground;
    };
    shapleyFromGame(v, nF, out, row * nF);
  }
  return out;
}

/**
 * Exact SHAP interaction values of path-dependent TreeSHAP's game by enumeration (Lundberg et al. 2020, eq.
 * for Φ_ij; docs/shap-reference.md C.4): for i ≠ j, Φ_ij = Σ_{S ⊆ F∖{i,j}} |S|!(F − |S| − 2)!/(2 (F − 1)!) ·
 * (v(S ∪ {i,j}) − v(S ∪ {i}) − v(S ∪ {j}) + v(S)), and Φ_ii = φ_i − Σ_{j≠i} Φ_ij, with v as in
 * `bruteForceTreeShap`. The oracle for `treeShapInteractions`.
 *
 * @returns nRows × nFeatures × nFeatures, row-major
 */
export function bruteForceTreeShapInteractions(ensemble: TreeEnsemble, X: FeatureMatrix, nRows: number): Float64Array {
  const nF = checkOracleInput(ensemble, X, nRows, "bruteForceTreeShapInteractions");
  const out = new Float64Array(nRows * nF * nF);
  const phi = new Float64Array(nF);
  const nMasks = 1 << nF;
  const game = new Float64Array(nMasks);
  // |S|!(F−|S|−2)!/(2(F−1)!) = 1/(2 (F − 1) C(F − 2, |S|))
  const weight = new Float64Array(Math.max(nF - 1, 1));
  let binomial = 1;
  for (let s = 0; s <= nF - 2; s++) {
    weight[s] = 1 / (2 * (nF - 1) * binomial);
    binomial = (binomial * (nF - 2 - s)) / (s + 1);
  }
  for (let row = 0; row < nRows; row++) {
    const x = Array.from(X.subarray(row * nF, (row + 1) * nF), Math.fround);
    for (let mask = 0; mask < nMasks; mask++) {
      let sum = 0;
      ensemble.trees.forEach((tree, t) => (sum += ensemble.scale[t] * conditionalExpectation(tree, 0, x, mask)));
      game[mask] = sum;
    }
    shapleyFromGame((mask) => game[mask], nF, phi, 0);
    const base = row * nF * nF;
    for (let i = 0; i < nF; i++) {
      let diagonal = phi[i];
      for (let j = 0; j < nF; j++) {
        if (j === i) continue;
        const both = (1 << i) | (1 << j);
        let sum = 0;
        for (let mask = 0; mask < nMasks; mask++) {
          if (mask & both) continue;
          sum += weight[popcount(mask)] * (game[mask | both] - game[mask | (1 << i)] - game[mask | (1 << j)] + game[mask]);
        }
        out[base + i * nF + j] = sum;
        diagonal -= sum;
      }
      out[base + i * nF + i] = diagonal;
    }
  }
  return out;
}

function checkOracleInput(ensemble: TreeEnsemble, X: FeatureMatrix, nRows: number, where: string): number {
  validateTreeEnsemble(ensemble, `${where}: ensemble`);
  const nF = ensemble.nFeatures;
  if (nF > BRUTE_FORCE_MAX_FEATURES) throw new InputError(where, `${nF} features means 2^${nF} coalitions per row; the brute force accepts at most ${BRUTE_FORCE_MAX_FEATURES}`);
  checkFeatureMatrix(X, nRows, nF, `${where}: X`);
  return nF;
}

/** E[tree | x_S] by the tree's own cover (S = the features whose bit is set in `mask`). */
function conditionalExpectation(tree: Tree, node: number, x: readonly number[], mask: number): number {
  const left = tree.childrenLeft[node];
  if (left === -1) return tree.value[node];
  const right = tree.childrenRight[node];
  const f = tree.feature[node];
  if (mask & (1 << f)) return conditionalExpectation(tree, x[f] <= tree.threshold[node] ? left : right, x, mask);
  const c = tree.cover[node];
  return (tree.cover[left] / c) * conditionalExpectation(tree, left, x, mask) + (tree.cover[right] / c) * conditionalExpectation(tree, right, x, mask);
}

/** φ_i = Σ_{S ∌ i} |S|!(F−|S|−1)!/F! (v(S ∪ i) − v(S)), written to out[offset .. offset + F). */
function shapleyFromGame(v: (mask: number) => number, nF: number, out: Float64Array, offset: number): void {
  const nMasks = 1 << nF;
  const game = new Float64Array(nMasks);
  for (let mask = 0; mask < nMasks; mask++) game[mask] = v(mask);
  // |S|!(F−|S|−1)!/F! = 1/(F · C(F−1, |S|))
  const weight = new Float64Array(nF);
  let binomial = 1;
  for (let s = 0; s < nF; s++) {
    weight[s] = 1 / (nF * binomial);
    binomial = (binomial * (nF - 1 - s)) / (s + 1);
  }
  for (let i = 0; i < nF; i++) {
    const bit = 1 << i;
    let phi = 0;
    for (let mask = 0; mask < nMasks; mask++) {
      if (mask & bit) continue;
      phi += weight[popcount(mask)] * (game[mask | bit] - game[mask]);
    }
    out[offset + i] = phi;
  }
}

function popcount(mask: number): number {
  let n = 0;
  for (let m = mask; m !== 0; m &= m - 1) n++;
  return n;
}
