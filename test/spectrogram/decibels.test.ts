import { test } from "node:test";
import assert from "node:assert/strict";
import { toDecibels } from "../../lib/spectrogram/decibels";

test("10 log10 of the power ratio, zeros at the floor", () => {
  assert.deepEqual(Array.from(toDecibels([1, 10, 100, 0.1])), [0, 10, 20, -10]);
  assert.deepEqual(Array.from(toDecibels([100, 0], { referencePower: 10 })), [10, 10]);
  assert.deepEqual(Array.from(toDecibels([1, 0, -1], { floorDb: -99 })), [0, -99, -99]);
});
