import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../lib/core/rng";

test("same seed gives the same stream, different seeds differ", () => {
  const a = new Rng(42), b = new Rng(42), c = new Rng(43);
  const xa = Array.from({ length: 5 }, () => a.nextUint32());
  const xb = Array.from({ length: 5 }, () => b.nextUint32());
  const xc = Array.from({ length: 5 }, () => c.nextUint32());
  assert.deepEqual(xa, xb);
  assert.notDeepEqual(xa, xc);
});

test("uniform doubles lie in [0, 1) with mean near 1/2", () => {
  const r = new Rng("uniform");
  let s = 0;
  for (let i = 0; i < 100000; i++) {
    const u = r.random();
    assert.ok(u >= 0 && u < 1);
    s += u;
  }
  assert.ok(Math.abs(s / 100000 - 0.5) < 0.005);
});

test("normal deviates have mean 0 and variance 1", () => {
  const r = new Rng(7);
  let s = 0, s2 = 0;
  const n = 200000;
  for (let i = 0; i < n; i++) {
    const z = r.normal();
    s += z;
    s2 += z * z;
  }
  assert.ok(Math.abs(s / n) < 0.01);
  assert.ok(Math.abs(s2 / n - 1) < 0.015);
});

test("int is unbiased over a small range and permutation is a permutation", () => {
  const r = new Rng(1);
  const counts = new Array(3).fill(0);
  for (let i = 0; i < 30000; i++) counts[r.int(3)]++;
  for (const c of counts) assert.ok(Math.abs(c - 10000) < 400);
  const p = Array.from(r.permutation(100)).sort((a, b) => a - b);
  assert.deepEqual(p, Array.from({ length: 100 }, (_, i) => i));
  assert.throws(() => r.int(0), /n must be an integer/);
});
