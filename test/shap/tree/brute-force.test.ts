import { test } from "node:test";
import assert from "node:assert/strict";
import { bruteForceInterventionalShap, bruteForceTreeShap, bruteForceTreeShapInteractions } from "./brute-force";
import { TreeEnsemble } from "../../../lib/shap/tree/tree-ensemble";
import { assertClose, handTree, singleTreeEnsemble } from "./helpers";

const hand: TreeEnsemble = singleTreeEnsemble(handTree());

test("enumeration reproduces the hand computation from v(S) of docs/shap-reference.md C.7", () => {
  // v(∅)=27, v{0}=45, v{1}=24, v{2}=29, v{0,1}=45, v{0,2}=50, v{1,2}=26, v{all}=50 → φ = (21, −1.5, 3.5).
  assertClose(bruteForceTreeShap(hand, Float64Array.of(1, 0, 1), 1), [21, -1.5, 3.5], 1e-12);
  assertClose(bruteForceTreeShapInteractions(hand, Float64Array.of(1, 0, 1), 1), [18, 1.5, 1.5, 1.5, -3, 0, 1.5, 0, 2], 1e-12);
  assertClose(bruteForceInterventionalShap(hand, Float64Array.of(1, 0, 1), 1, Float64Array.of(0, 1, 0), 1), [25, -5, 10], 1e-12);
});

test("efficiency: the values sum to v(F) − v(∅) for several rows", () => {
  const X = Float64Array.of(0, 1, 0, 0, 0, 0);
  const phi = bruteForceTreeShap(hand, X, 2);
  assert.ok(Math.abs(phi[0] + phi[1] + phi[2] - (20 - 27)) < 1e-12);
  assert.ok(Math.abs(phi[3] + phi[4] + phi[5] - (10 - 27)) < 1e-12);
});

test("refuses too many features", () => {
  const wide = { ...hand, nFeatures: 17 };
  assert.throws(() => bruteForceTreeShap(wide, new Float64Array(17), 1), /2\^17 coalitions per row; the brute force accepts at most 16/);
});
