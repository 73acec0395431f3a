import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../../lib/core/rng";
import { bruteForceTreeShapInteractions } from "./brute-force";
import { fromSklearnTrees } from "../../../lib/shap/tree/sklearn-import";
import { TreeEnsemble } from "../../../lib/shap/tree/tree-ensemble";
import { treeShapInteractions } from "../../../lib/shap/tree/tree-interactions";
import { treeShap } from "../../../lib/shap/tree/tree-shap";
import { assertClose, flat, handTree, loadTreeCases, randomEnsemble, randomRows, singleTreeEnsemble } from "./helpers";

const hand: TreeEnsemble = singleTreeEnsemble(handTree());

test("docs/shap-reference.md C.7: interactions of x = (1,0,1) are [[18, 1.5, 1.5], [1.5, −3, 0], [1.5, 0, 2]]", () => {
  const r = treeShapInteractions(hand, Float64Array.of(1, 0, 1), 1);
  assertClose(r.values, [18, 1.5, 1.5, 1.5, -3, 0, 1.5, 0, 2], 1e-12);
  assertClose(r.shapValues, [21, -1.5, 3.5], 1e-12);
  assert.equal(r.expectedValue, 27);
});

// Measured worst |difference|: 7.1e-15 (values up to 18); the README states 1e-14.
test("shap fixture: hand tree (3 rows) and the sklearn forest (first 3 rows) within 1e-14", () => {
  const cases = loadTreeCases();
  const h = cases.hand_tree;
  const rh = treeShapInteractions(fromSklearnTrees(h.tree, { nFeatures: 3 }), flat(h.X), 3);
  assertClose(rh.values, flat(h.interactions), 1e-14, "hand tree");
  const rf = cases.random_forest;
  const r = treeShapInteractions(fromSklearnTrees(rf, { nFeatures: 6 }), flat(rf.X.slice(0, 3)), 3);
  assertClose(r.values, flat(rf.interactions_first3), 1e-14, "random forest");
});

test("symmetric, rows sum to the SHAP values, equal to the enumerated interaction index on random trees", () => {
  const rng = new Rng("interactions");
  for (let trial = 0; trial < 20; trial++) {
    const nF = 2 + rng.int(4);
    const e = randomEnsemble(rng, 1 + rng.int(3), { nFeatures: nF, maxDepth: 2 + rng.int(5), emptyLeafProbability: trial % 3 === 0 ? 0.2 : 0 });
    const X = randomRows(rng, 2, nF);
    const r = treeShapInteractions(e, X, 2);
    const phi = treeShap(e, X, 2).values;
    for (let row = 0; row < 2; row++) {
      for (let j = 0; j < nF; j++) {
        let sum = 0;
        for (let k = 0; k < nF; k++) {
          const a = r.values[(row * nF + j) * nF + k], b = r.values[(row * nF + k) * nF + j];
          assert.ok(Math.abs(a - b) < 1e-10, `trial ${trial}: not symmetric at (${j}, ${k}): ${a} vs ${b}`);
          sum += a;
        }
        assert.ok(Math.abs(sum - phi[row * nF + j]) < 1e-10, `trial ${trial}: row ${j} sums to ${sum}, φ = ${phi[row * nF + j]}`);
      }
    }
    assertClose(r.values, bruteForceTreeShapInteractions(e, X, 2), 1e-10, `trial ${trial}`);
  }
});
