import { test } from "node:test";
import assert from "node:assert/strict";
import { saabasValues } from "../../../lib/shap/tree/saabas";
import { fromSklearnTrees } from "../../../lib/shap/tree/sklearn-import";
import { TreeEnsemble } from "../../../lib/shap/tree/tree-ensemble";
import { assertClose, flat, loadTreeCases, NO_SHARED } from "./helpers";

const and: TreeEnsemble = {
  trees: [
    {
      childrenLeft: Int32Array.of(1, -1, 3, -1, -1),
      childrenRight: Int32Array.of(2, -1, 4, -1, -1),
      feature: Int32Array.of(1, -2, 0, -2, -2),
      threshold: Float64Array.of(0.5, -2, 0.5, -2, -2),
      value: Float64Array.of(20, 0, 40, 0, 80),
      cover: Float64Array.of(4, 2, 2, 1, 1),
    },
  ],
  scale: Float64Array.of(1),
  nFeatures: 2,
  baseOffset: 0,
};

test("worked example C.7: Saabas on the AND tree gives (0,−20), (−40,20), (0,−20), (40,20)", () => {
  const r = saabasValues(and, Float64Array.of(0, 0, 0, 1, 1, 0, 1, 1), 4);
  assert.deepEqual(Array.from(r.values), [0, -20, -40, 20, 0, -20, 40, 20]);
  assert.equal(r.expectedValue, 20);
});

test("shap fixture: the AND tree's approximate=True values", (t) => {
  const cases = loadTreeCases();
  if (!cases) return t.skip(NO_SHARED);
  const c = cases.and_tree;
  const r = saabasValues(fromSklearnTrees(c.tree, { nFeatures: 2 }), flat(c.X), c.X.length);
  assertClose(r.values, flat(c.saabas), 1e-9);
});
