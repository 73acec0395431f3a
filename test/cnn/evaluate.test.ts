import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { evaluateClassifier } from "../../lib/cnn/evaluate";
import { classifyLogits } from "../../lib/cnn/predict";
import { savePredictionsCsv } from "../../lib/cnn/save-predictions";
import { InputError } from "../../lib/core/errors";

test("evaluateClassifier: accuracy, precision, recall, F1 (aftershock positive), confusion matrix", () => {
  // tn 3, fp 1, fn 2, tp 4 (same numbers as sklearn.metrics on these labels).
  const truth = [0, 0, 0, 0, 1, 1, 1, 1, 1, 1];
  const pred = [0, 0, 0, 1, 0, 0, 1, 1, 1, 1];
  const m = evaluateClassifier(truth, pred);
  assert.equal(m.n, 10);
  assert.equal(m.accuracy, 0.7);
  assert.equal(m.precision, 0.8);
  assert.ok(Math.abs(m.recall - 4 / 6) < 1e-15);
  assert.ok(Math.abs(m.f1 - (2 * 0.8 * (4 / 6)) / (0.8 + 4 / 6)) < 1e-15);
  assert.deepEqual(m.confusion, [
    [3, 1],
    [2, 4],
  ]);
  assert.equal(m.perStation, undefined);
});

test("evaluateClassifier: per-station accuracy, sorted by station", () => {
  const m = evaluateClassifier([0, 1, 1, 0, 1], [0, 1, 0, 0, 0], { stations: ["NRCA", "MMO1", "NRCA", "MMO1", "NRCA"] });
  assert.deepEqual(m.perStation, [
    { station: "MMO1", n: 2, correct: 2, accuracy: 1 },
    { station: "NRCA", n: 3, correct: 1, accuracy: 1 / 3 },
  ]);
});

test("evaluateClassifier: no positive predictions give precision 0 (scikit-learn's zero_division=0)", () => {
  const m = evaluateClassifier([1, 0], [0, 0]);
  assert.equal(m.precision, 0);
  assert.equal(m.recall, 0);
  assert.equal(m.f1, 0);
});

test("evaluateClassifier refuses empty sets, mismatched lengths and labels other than 0 and 1", () => {
  const isInputError = (pattern: RegExp) => (e: unknown) => e instanceof InputError && pattern.test(e.message);
  assert.throws(() => evaluateClassifier([], []), isInputError(/the split is empty/));
  assert.throws(() => evaluateClassifier([0, 1], [0]), isInputError(/2 true labels but 1 predictions/));
  assert.throws(() => evaluateClassifier([0, 2], [0, 1]), isInputError(/true label 1 is 2/));
  assert.throws(() => evaluateClassifier([0, 1], [0, 1], { stations: ["A"] }), isInputError(/2 labels but 1 stations/));
});

test("classifyLogits and savePredictionsCsv: softmax, argmax and one CSV row per image", () => {
  const logits = Float32Array.from([2, 1, -1, 3, 0, 0]);
  const { probabilities, labels } = classifyLogits(logits, 3);
  assert.deepEqual(Array.from(labels), [0, 1, 0]);
  assert.ok(Math.abs(probabilities[1] - 1 / (1 + Math.E)) < 1e-7);
  assert.ok(Math.abs(probabilities[4] - 0.5) < 1e-7);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cnn-pred-"));
  try {
    const file = path.join(dir, "predictions.csv");
    const rows = savePredictionsCsv(file, {
      predictions: { logits, probabilities, labels },
      trueLabels: [0, 1, 1],
      traceNames: ["NRCA.IV.1_EV", "NRCA.IV.2_EV", "a,b"],
      stations: ["NRCA", "NRCA", "MMO1"],
    });
    assert.equal(rows, 3);
    const lines = fs.readFileSync(file, "utf8").trim().split("\n");
    assert.equal(lines[0], "index,trace_name,receiver_name,label,predicted,logit_foreshock,logit_aftershock,p_aftershock");
    assert.equal(lines[1], `0,NRCA.IV.1_EV,NRCA,0,0,2.00000000,1.00000000,${probabilities[1].toPrecision(9)}`);
    assert.ok(lines[3].startsWith('2,"a,b",MMO1,1,0,'));
    assert.throws(() => savePredictionsCsv(file, { predictions: { logits, probabilities, labels }, stations: ["A"] }), /stations has 1 entries for 3 predictions/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
