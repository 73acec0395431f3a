import assert from "node:assert/strict";
import { test } from "node:test";
import { formatDuration, formatProgress } from "../../lib/core/progress";

test("formatProgress extrapolates the time left from the rate so far", () => {
  assert.equal(formatProgress("images", 250, 1000, undefined, 30), "images: 250/1000 (25.0%) [30.0 s, ~1.5 min left]");
  assert.equal(formatProgress("train", 1, 10, "epoch 1", 600), "train: 1/10 (10.0%) epoch 1 [10.0 min, ~1.5 h left]");
});

test("formatProgress shows no time left before the first step and at the end", () => {
  assert.equal(formatProgress("shap", 0, 40, undefined, 2), "shap: 0/40 (0.0%) [2.0 s]");
  assert.equal(formatProgress("shap", 40, 40, "done", 95.25), "shap: 40/40 (100.0%) done [1.6 min]");
  assert.equal(formatProgress("empty", 0, 0, undefined, 0), "empty: 0/0 (100.0%) [0.0 s]");
});

test("formatDuration switches units at a minute and an hour", () => {
  assert.equal(formatDuration(59.4), "59 s");
  assert.equal(formatDuration(59.44, 1), "59.4 s");
  assert.equal(formatDuration(60), "1.0 min");
  assert.equal(formatDuration(3599), "60.0 min");
  assert.equal(formatDuration(3600), "1.0 h");
});

test("formatProgress counts only this run's work in the rate: a resumed job does not promise to finish early", () => {
  // 600 of 1000 were done before a restart; this run did 100 in 60 s, so 300 more take 180 s
  assert.equal(formatProgress("features", 700, 1000, undefined, 60, { done: 600, elapsedS: 0 }), "features: 700/1000 (70.0%) [1.0 min, ~3.0 min left]");
  assert.equal(formatProgress("features", 600, 1000, undefined, 5, { done: 600, elapsedS: 0 }), "features: 600/1000 (60.0%) [5.0 s]");
});

test("formatProgress measures the rate from the first report: a late first report (after a long first stage) does not slow the ETA", () => {
  // first report at 50 min with 0 of 12 steps; 4 steps in the next 60 s: 8 more take 2 min
  assert.equal(formatProgress("experiments", 4, 12, undefined, 3060, { done: 0, elapsedS: 3000 }), "experiments: 4/12 (33.3%) [51.0 min, ~2.0 min left]");
});
