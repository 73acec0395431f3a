import { test } from "node:test";
import assert from "node:assert/strict";
import { saabasValues } from "./saabas";
import { fromSklearnTrees } from "../../../lib/shap/tree/sklearn-import";
import { TreeEnsemble } from "../../../lib/shap/tree/tree-ensemble";
import { andTree, assertClose, flat, loadTreeCases, singleTreeEnsemble } from "./helpers";

const and: TreeEnsemble = singleTreeEnsemble(andTree(), 2);

test("docs/shap-reference.md C.7: Saabas on the AND tree gives (0,−20), (−40,20), (0,−20), (40,20)", () => {
  const r = saabasValues(and, Float64Array.of(0, 0, 0, 1, 1, 0, 1, 1), 4);
  assert.deepEqual(Array.from(r.values), [0, -20, -40, 20, 0, -20, 40, 20]);
  assert.equal(r.expectedValue, 20);
});

test("shap fixture: the AND tree's approximate=True values", () => {
  const cases = loadTreeCases();
  const c = cases.and_tree;
  const r = saabasValues(fromSklearnTrees(c.tree, { nFeatures: 2 }), flat(c.X), c.X.length);
  assertClose(r.values, flat(c.saabas), 1e-14);
});
