import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../../lib/core/rng";
import { interventionalTreeShap } from "../../../lib/shap/tree/interventional";
import { parallelTreeShap, parallelTreeShapInteractions } from "../../../lib/shap/tree/parallel";
import { TreeExplainer } from "../../../lib/shap/tree/tree-explainer";
import { treeShapInteractions } from "../../../lib/shap/tree/tree-interactions";
import { treeShap } from "../../../lib/shap/tree/tree-shap";
import { randomEnsemble, randomRows } from "./helpers";

const rng = new Rng("parallel");
const ensemble = randomEnsemble(rng, 5, { nFeatures: 6, maxDepth: 8 });
const nRows = 23;
const X = randomRows(rng, nRows, 6);

test("2 workers give exactly the in-process values, expected value and predictions", async () => {
  const serial = treeShap(ensemble, X, nRows);
  const parallel = await parallelTreeShap(ensemble, X, nRows, { workers: 2, chunkRows: 4 });
  assert.deepEqual(parallel.values, serial.values);
  assert.deepEqual(parallel.predictions, serial.predictions);
  assert.equal(parallel.expectedValue, serial.expectedValue);
});

test("interventional and interaction values in workers equal the in-process ones", async () => {
  const B = X.subarray(0, 4 * 6);
  assert.deepEqual((await parallelTreeShap(ensemble, X, nRows, { workers: 2, background: B, nBackground: 4 })).values, interventionalTreeShap(ensemble, X, nRows, B, 4).values);
  const serial = treeShapInteractions(ensemble, X.subarray(0, 30), 5);
  const parallel = await parallelTreeShapInteractions(ensemble, X.subarray(0, 30), 5, { workers: 2, chunkRows: 2 });
  assert.deepEqual(parallel.values, serial.values);
  assert.deepEqual(parallel.shapValues, serial.shapValues);
});

test("TreeExplainer.explainAsync with workers equals explain", async () => {
  const explainer = new TreeExplainer(ensemble, { workers: 2 });
  assert.deepEqual((await explainer.explainAsync(X, nRows)).values, explainer.explain(X, nRows).values);
});

test("workers: 0 runs in this thread; bad options are rejected before any worker starts", async () => {
  assert.deepEqual((await parallelTreeShap(ensemble, X, nRows, { workers: 0 })).values, treeShap(ensemble, X, nRows).values);
  await assert.rejects(parallelTreeShap(ensemble, X, nRows, { workers: 1.5 }), /workers must be an integer >= 0/);
  await assert.rejects(parallelTreeShap(ensemble, X, nRows, { workers: 2, chunkRows: 0 }), /chunkRows must be a positive integer/);
  await assert.rejects(parallelTreeShap(ensemble, X.subarray(0, 7), 2, { workers: 2 }), /has 7 values, expected nRows × nFeatures = 2 × 6 = 12/);
});
