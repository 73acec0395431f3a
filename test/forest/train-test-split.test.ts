import { test } from "node:test";
import assert from "node:assert/strict";
import { groupedTrainTestSplit, trainTestSplit } from "../../lib/forest/train-test-split";

test("80/20 split: sklearn's sizes (test = ceil(0.2 n)), disjoint, covering every row", () => {
  for (const n of [10, 15, 101, 1000]) {
    const { trainIndex, testIndex } = trainTestSplit(n, { seed: 42 });
    assert.equal(testIndex.length, Math.ceil(0.2 * n));
    assert.equal(trainIndex.length + testIndex.length, n);
    assert.deepEqual([...trainIndex, ...testIndex].sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i));
  }
  // 0.07 * 100 is 7.000000000000001 in floating point: sklearn's ceil takes 8 test rows, and so do we.
  assert.equal(trainTestSplit(100, { testFraction: 0.07, seed: 1 }).testIndex.length, 8);
  assert.equal(trainTestSplit(100, { testFraction: 0.3, seed: 1 }).testIndex.length, 30);
});

test("the seed fixes the split; another seed gives another", () => {
  assert.deepEqual(trainTestSplit(500, { seed: 42 }), trainTestSplit(500, { seed: 42 }));
  assert.notDeepEqual(trainTestSplit(500, { seed: 42 }).testIndex, trainTestSplit(500, { seed: 43 }).testIndex);
  // The test rows are spread over the table, not a block.
  const t = [...trainTestSplit(1000, { seed: 42 }).testIndex];
  assert.ok(Math.min(...t) < 50 && Math.max(...t) > 950);
});

test("grouped split: no group on both sides, ceil(fraction x groups) test groups, ascending indices", () => {
  const groups = Array.from({ length: 300 }, (_, i) => `ev${(i * 7) % 23}`);
  const { trainIndex, testIndex } = groupedTrainTestSplit(groups, { seed: 42 });
  const trainGroups = new Set([...trainIndex].map((i) => groups[i]));
  const testGroups = new Set([...testIndex].map((i) => groups[i]));
  assert.equal(testGroups.size, Math.ceil(0.2 * 23));
  assert.equal(trainGroups.size + testGroups.size, 23);
  for (const g of testGroups) assert.ok(!trainGroups.has(g), `${g} on both sides`);
  assert.equal(trainIndex.length + testIndex.length, 300);
  assert.deepEqual([...testIndex], [...testIndex].sort((a, b) => a - b));
  // Independent of row order: the same groups are chosen when the rows are reversed.
  const reversed = groupedTrainTestSplit([...groups].reverse(), { seed: 42 });
  assert.deepEqual(new Set([...reversed.testIndex].map((i) => groups[299 - i])), testGroups);
});

test("bad input: splits that would leave a side empty, fractions outside (0, 1)", () => {
  assert.throws(() => trainTestSplit(1, { seed: 1 }), { name: "InputError", message: /1 rows with testFraction 0.2 leave an empty training set/ });
  assert.throws(() => trainTestSplit(0, { seed: 1 }), /leave an empty/);
  assert.throws(() => trainTestSplit(10, { testFraction: 0, seed: 1 }), /testFraction must be in \(0, 1\), got 0/);
  assert.throws(() => trainTestSplit(10, { testFraction: 1, seed: 1 }), /testFraction must be in \(0, 1\)/);
  assert.throws(() => trainTestSplit(2.5, { seed: 1 }), /nRows must be a non-negative integer/);
  assert.throws(() => groupedTrainTestSplit(["a", "a", "a"], { seed: 1 }), /1 groups with testFraction 0.2 leave an empty training set/);
  assert.throws(() => groupedTrainTestSplit([], { seed: 1 }), /groupedTrainTestSplit: 0 groups/);
});
