import { test } from "node:test";
import assert from "node:assert/strict";
import { groupedSplit, groupedTrainTestSplit, parseUtcMs, randomSplit, splitSizes, stationIndices, trainTestSplit } from "../../lib/data/split";

test("split sizes follow scikit-learn's two train_test_split calls: the paper's 55,617 / 11,918 / 11,919", () => {
  assert.deepEqual(splitSizes(79454), { train: 55617, val: 11918, test: 11919 });
  assert.deepEqual(splitSizes(10), { train: 7, val: 1, test: 2 });
  assert.deepEqual(splitSizes(100, { train: 0.8, val: 0, test: 0.2 }), { train: 80, val: 0, test: 20 });
  assert.throws(() => splitSizes(10, { train: 0.5, val: 0.1, test: 0.1 }), /sum to 1/);
});

test("randomSplit: seeded, a partition of the rows, sizes as above", () => {
  const rows = Array.from({ length: 1000 }, (_, i) => ({ i }));
  const a = randomSplit(rows, { seed: 42 });
  assert.deepEqual(randomSplit(rows, { seed: 42 }), a);
  assert.notDeepEqual(randomSplit(rows, { seed: 43 }).train, a.train);
  assert.equal(a.train.length, 700);
  assert.equal(a.val.length, 150);
  assert.equal(a.test.length, 150);
  const all = [...a.train, ...a.val, ...a.test].sort((x, y) => x - y);
  assert.deepEqual(all, rows.map((_, i) => i));
  for (const i of a.val) assert.equal(a.split[i], "val");
  assert.ok(a.train.every((v, k) => k === 0 || v > a.train[k - 1]));
  assert.throws(() => randomSplit(rows, { seed: NaN }), /randomSplit: needs a finite numeric seed/);
});

/** Rows like the D-set's: events recorded at several stations. */
function eventRows(nEvents: number): { source_id: string; receiver_name: string; source_origin_time: string }[] {
  const stations = ["NRCA", "MMO1", "MC2", "FDMO"];
  const rows: { source_id: string; receiver_name: string; source_origin_time: string }[] = [];
  for (let e = 0; e < nEvents; e++) {
    const t = new Date(Date.UTC(2016, 9, 30, 8) + e * 3600_000).toISOString().slice(0, 19);
    for (let s = 0; s < 1 + (e % 4); s++) rows.push({ source_id: String(70000000 + e), receiver_name: stations[s], source_origin_time: t });
  }
  return rows;
}

test("groupedSplit: no event in two splits, about the asked shares, seeded", () => {
  const rows = eventRows(400);
  const s = groupedSplit(rows, { seed: 1 });
  const splitOf = new Map<string, string>();
  rows.forEach((r, i) => {
    const seen = splitOf.get(r.source_id);
    if (seen) assert.equal(s.split[i], seen, `event ${r.source_id} in ${seen} and ${s.split[i]}`);
    splitOf.set(r.source_id, s.split[i]);
  });
  const n = rows.length;
  assert.ok(Math.abs(s.train.length / n - 0.7) < 0.02 && Math.abs(s.test.length / n - 0.15) < 0.02, `${s.train.length} / ${s.val.length} / ${s.test.length}`);
  assert.deepEqual(groupedSplit(rows, { seed: 1 }), s);
  assert.throws(() => groupedSplit(rows), /groupedSplit: needs a finite numeric seed/);
  assert.throws(() => groupedSplit([{ source_id: "" }], { seed: 1 }), /row 0 has no value in column "source_id"/);
});

test("groupedSplit in time order: every training event precedes every validation event, which precede the test events", () => {
  const rows = eventRows(200);
  const s = groupedSplit(rows, { order: "time" });
  const latest = (idx: Int32Array) => Math.max(...Array.from(idx, (i) => parseUtcMs(rows[i].source_origin_time)));
  const earliest = (idx: Int32Array) => Math.min(...Array.from(idx, (i) => parseUtcMs(rows[i].source_origin_time)));
  assert.ok(latest(s.train) < earliest(s.val));
  assert.ok(latest(s.val) < earliest(s.test));
});

test("stationIndices picks a station subset; parseUtcMs reads zone-less ISO times as UTC", () => {
  const rows = eventRows(8);
  const idx = stationIndices(rows, ["NRCA"]);
  assert.equal(idx.length, 8);
  assert.ok(Array.from(idx).every((i) => rows[i].receiver_name === "NRCA"));
  assert.equal(parseUtcMs("2016-10-30T06:40:17"), Date.UTC(2016, 9, 30, 6, 40, 17));
  assert.equal(parseUtcMs("2016-10-30T06:40:17.250000Z"), Date.UTC(2016, 9, 30, 6, 40, 17, 250));
  assert.ok(Number.isNaN(parseUtcMs("yesterday")));
});

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
