import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../lib/core/rng";
import { beeswarmOffsets } from "../../lib/plots/beeswarm-offsets";

const sorted = (a: ArrayLike<number>): number[] => Array.from(a).sort((x, y) => x - y);
const close = (a: number[], b: number[]): boolean => a.length === b.length && a.every((v, i) => Math.abs(v - b[i]) < 1e-12);

test("one bin: offsets 0, +1, −1, +2, −2 scaled by 0.9 · 0.4 / (2 + 1)", () => {
  const { offsets, order } = beeswarmOffsets([0.3, 0.3, 0.3, 0.3, 0.3], new Rng(1));
  assert.ok(close(sorted(offsets), [-0.24, -0.12, 0, 0.12, 0.24]), `got ${sorted(offsets)}`);
  assert.deepEqual(sorted(order), [0, 1, 2, 3, 4]);
});

test("three bins by round(100 · (s − min) / (max − min + 1e-8)): each bin stacks from 0", () => {
  // 0 → bin 0, 1 → bin round(99.999999) = 100, 0.5 → bin 50: two points in bins 0 and 100, one in 50.
  const values = [0, 1, 0, 1, 0.5];
  for (const seed of [1, 2, 3, 42]) {
    const { offsets } = beeswarmOffsets(values, new Rng(seed));
    const scale = (0.9 * 0.4) / (1 + 1);
    assert.ok(close(sorted([offsets[0], offsets[2]]), [0, scale]), `bin 0, seed ${seed}`);
    assert.ok(close(sorted([offsets[1], offsets[3]]), [0, scale]), `bin 100, seed ${seed}`);
    assert.equal(offsets[4], 0);
  }
});

test("the first point of a bin sits on the row; points alternate above and below", () => {
  // Five points in one bin and one alone: layers 0..4 in the crowded bin.
  const { offsets } = beeswarmOffsets([2, 2, 2, 2, 2, 5], new Rng(9), { rowHeight: 1, nBins: 10 });
  const scale = 0.9 / 3;
  assert.ok(close(sorted(offsets.slice(0, 5)), [-2 * scale, -scale, 0, scale, 2 * scale]));
  assert.equal(offsets[5], 0);
});

test("the same seed gives the same jitter; offsets stay below 0.9 · rowHeight", () => {
  const rng = new Rng(5);
  const values = Float64Array.from({ length: 400 }, () => rng.normal());
  const a = beeswarmOffsets(values, new Rng("row"));
  const b = beeswarmOffsets(values, new Rng("row"));
  assert.deepEqual(a, b);
  const maxAbs = Math.max(...Array.from(a.offsets, Math.abs));
  assert.ok(maxAbs < 0.36 && maxAbs > 0.2, `max |offset| ${maxAbs}`);
});

test("non-finite SHAP values are refused", () => {
  assert.throws(() => beeswarmOffsets([1, NaN], new Rng(1)), /beeswarmOffsets: SHAP value 1 is NaN/);
});
