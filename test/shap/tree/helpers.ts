// Shared helpers of the TreeSHAP tests (not a test file): the hand-made trees of docs/shap-reference.md C.7,
// the shap fixture, closeness checks, seeded random ensembles.
import assert from "node:assert/strict";
import { Rng } from "../../../lib/core/rng";
import { readGoldenJson } from "../../helpers/golden";
import { Tree, TreeEnsemble } from "../../../lib/shap/tree/tree-ensemble";

/**
 * The three-feature tree of docs/shap-reference.md C.7: n0 x0<=0.5 -> n1 / n2; n1 x1 -> 10 / 20; n2 x2 -> 30 / 50.
 * Fresh arrays on every call, so a test may edit them; `valueScale` multiplies the node values and
 * `features` renames the three split features.
 */
export function handTree(valueScale = 1, features = [0, 1, 2]): Tree {
  return {
    childrenLeft: Int32Array.of(1, 3, 5, -1, -1, -1, -1),
    childrenRight: Int32Array.of(2, 4, 6, -1, -1, -1, -1),
    feature: Int32Array.of(features[0], features[1], features[2], -2, -2, -2, -2),
    threshold: Float64Array.of(0.5, 0.5, 0.5, -2, -2, -2, -2),
    value: Float64Array.of(27, 15, 45, 10, 20, 30, 50).map((v) => v * valueScale),
    cover: Float64Array.of(100, 60, 40, 30, 30, 10, 30),
  };
}

/** The AND tree of docs/shap-reference.md C.7 on two features: 80 when both exceed 0.5, else 0. Fresh arrays on every call. */
export function andTree(): Tree {
  return {
    childrenLeft: Int32Array.of(1, -1, 3, -1, -1),
    childrenRight: Int32Array.of(2, -1, 4, -1, -1),
    feature: Int32Array.of(1, -2, 0, -2, -2),
    threshold: Float64Array.of(0.5, -2, 0.5, -2, -2),
    value: Float64Array.of(20, 0, 40, 0, 80),
    cover: Float64Array.of(4, 2, 2, 1, 1),
  };
}

/** An ensemble of the one tree `tree` (scale 1, no base offset) over `nFeatures` features. */
export function singleTreeEnsemble(tree: Tree, nFeatures = 3): TreeEnsemble {
  return { trees: [tree], scale: Float64Array.of(1), nFeatures, baseOffset: 0 };
}

/** test/golden/shap/tree_cases.json (generated with shap 0.51 and scikit-learn 1.9); a missing file fails. */
export function loadTreeCases(): any {
  return readGoldenJson("shap/tree_cases.json");
}

/** Asserts |actual[i] − expected[i]| <= tolerance for all i (and equal lengths), naming the first bad index. */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, what = "values"): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    if (!(d <= tolerance)) assert.fail(`${what}[${i}] = ${actual[i]}, expected ${expected[i]} (|diff| ${d} > ${tolerance})`);
  }
}

/** Row-major Float64Array from nested number arrays (any depth). */
export function flat(nested: readonly unknown[]): Float64Array {
  const out: number[] = [];
  const walk = (a: unknown): void => {
    if (Array.isArray(a)) a.forEach(walk);
    else out.push(a as number);
  };
  walk(nested);
  return Float64Array.from(out);
}

export interface RandomTreeOptions {
  nFeatures: number;
  maxDepth: number;
  /** Probability that a node above maxDepth splits. */
  splitProbability?: number;
  /** Probability that a leaf gets zero cover (a split that sent no training sample one way). */
  emptyLeafProbability?: number;
}

/**
 * A random tree with consistent covers (children sum to the parent), thresholds halfway between float32
 * values (as scikit-learn's), repeated split features, and internal values = cover-weighted means.
 */
export function randomTree(rng: Rng, o: RandomTreeOptions): Tree {
  const L: number[] = [], R: number[] = [], F: number[] = [], T: number[] = [], V: number[] = [], C: number[] = [];
  const grow = (depth: number, cover: number): number => {
    const i = L.length;
    L.push(-1); R.push(-1); F.push(-2); T.push(-2); V.push(0); C.push(cover);
    if (depth < o.maxDepth && cover >= 2 && rng.random() < (o.splitProbability ?? 0.8)) {
      F[i] = rng.int(o.nFeatures);
      const a = Math.fround(rng.uniform(-1, 1));
      T[i] = (a + Math.fround(a + 2 ** -20)) / 2;
      const leftCover = 1 + rng.int(cover - 1);
      const l = grow(depth + 1, leftCover);
      const r = grow(depth + 1, cover - leftCover);
      L[i] = l; R[i] = r;
      V[i] = (C[l] * V[l] + C[r] * V[r]) / cover;
    } else {
      V[i] = Math.round(rng.normal(0, 10) * 100) / 100;
      if (depth > 0 && rng.random() < (o.emptyLeafProbability ?? 0)) C[i] = 0;
    }
    return i;
  };
  grow(0, 50 + rng.int(200));
  // A zero-cover leaf keeps its parent's cover: recompute the covers of split nodes bottom-up.
  for (let i = L.length - 1; i >= 0; i--) {
    if (L[i] !== -1) {
      C[i] = C[L[i]] + C[R[i]];
      V[i] = C[i] > 0 ? (C[L[i]] * V[L[i]] + C[R[i]] * V[R[i]]) / C[i] : 0;
    }
  }
  return {
    childrenLeft: Int32Array.from(L),
    childrenRight: Int32Array.from(R),
    feature: Int32Array.from(F),
    threshold: Float64Array.from(T),
    value: Float64Array.from(V),
    cover: Float64Array.from(C),
  };
}

/** An ensemble of `nTrees` random trees averaged like a random forest (scale 1/nTrees), baseOffset given. */
export function randomEnsemble(rng: Rng, nTrees: number, o: RandomTreeOptions, baseOffset = 0): TreeEnsemble {
  const trees: Tree[] = [];
  while (trees.length < nTrees) {
    const t = randomTree(rng, o);
    // A split node whose both children are empty has zero cover, which validation rejects: draw again.
    if (t.cover.every((c, i) => t.childrenLeft[i] === -1 || c > 0)) trees.push(t);
  }
  return { trees, scale: new Float64Array(nTrees).fill(1 / nTrees), nFeatures: o.nFeatures, baseOffset };
}

/** nRows × nFeatures uniform rows in [-1, 1), row-major. */
export function randomRows(rng: Rng, nRows: number, nFeatures: number): Float64Array {
  return Float64Array.from({ length: nRows * nFeatures }, () => rng.uniform(-1, 1));
}
