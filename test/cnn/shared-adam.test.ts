import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { Adam } from "../../lib/cnn/adam";
import { shareOf } from "../../lib/cnn/parallel-train-worker";
import { addSlotsAndUpdate, createSharedAdamMemory, sharedAdamKernel, sharedAdamLayout, sharedAdamViews } from "../../lib/cnn/shared-adam";
import { randomFloats, useBackend } from "./compare";

/** The first `participants` slots added in thread order, each sum rounded to float32. */
const sumInRankOrder = (slots: Float32Array[], participants: number): Float32Array =>
  Float32Array.from(slots[0], (v, i) => {
    let g = v;
    for (let r = 1; r < participants; r++) g = Math.fround(g + slots[r][i]);
    return g;
  });

/** Fills a fresh shared memory with seeded weights, moments and slots (slot r scaled by 2^-10r). */
function filled(n: number, threads: number) {
  const layout = sharedAdamLayout(n, threads);
  const memory = createSharedAdamMemory(layout);
  const views = sharedAdamViews(memory, layout);
  views.params.set(randomFloats(n, 1));
  views.m.set(randomFloats(n, 2, -0.01, 0.01));
  views.v.set(randomFloats(n, 3, 0, 1e-4));
  views.slots.forEach((s, r) => s.set(randomFloats(n, 10 + r).map((x) => x * 2 ** (-10 * r))));
  return { layout, memory, views };
}

for (const [n, participants, threads] of [[1003, 3, 3], [1003, 2, 3], [17, 2, 2], [5, 1, 2]] as const) {
  test(`the shared kernel adds ${participants} of ${threads} slots in thread order and applies Adam.applyGradients' bytes (${n} weights, stretches in any order)`, async () => {
    await useBackend("cpu");
    const { layout, memory, views } = filled(n, threads);
    const sum = sumInRankOrder(views.slots, participants);
    const lastSlot = views.slots[threads - 1].slice();
    const m0 = views.m.slice();
    const v0 = views.v.slice();
    const p0 = views.params.slice();
    // The optimiser's fifth update: bias corrections other than the first step's.
    const state = { step: 4, m: [m0], v: [v0] };
    const x = tf.variable(tf.tensor1d(p0));
    const ref = new Adam([x], { learningRate: 3e-3 });
    ref.setState(state);
    tf.tidy(() => ref.applyGradients([tf.tensor1d(sum)]));

    const ours = new Adam([tf.variable(tf.zeros([n]))], { learningRate: 3e-3 });
    ours.setState(state);
    const c = ours.nextStep();
    assert.equal(ours.step, 5);
    const kernel = sharedAdamKernel(memory);
    // Stretches with edges off the 4-element vectors, run last rank first.
    for (let r = participants - 1; r >= 0; r--) {
      const { start, end } = shareOf(r, n, participants);
      addSlotsAndUpdate(kernel, layout, start, end, participants, c);
    }
    assert.deepEqual(views.slots[0], sum, "slot 0 holds the sum");
    assert.deepEqual(views.params, x.dataSync(), "weights");
    const s = ref.getState();
    assert.deepEqual(views.m, s.m[0], "first moment");
    assert.deepEqual(views.v, s.v[0], "second moment");
    if (participants < threads) assert.deepEqual(views.slots[threads - 1], lastSlot, "a slot beyond the participants is left alone");
    tf.dispose([x, ...ours.variables]);
    ref.dispose();
    ours.dispose();
  });
}

test("the threads' gradient slots are added in rank order whichever thread adds which stretch", () => {
  const n = 1001; // not a multiple of the thread count: the stretches differ in length
  const make = (participants: number) => {
    const layout = sharedAdamLayout(n, 3);
    const memory = createSharedAdamMemory(layout);
    const views = sharedAdamViews(memory, layout);
    views.slots.forEach((s, r) => s.set(Float32Array.from({ length: n }, (_, i) => (r === 1 ? -1 : 1) * (1 + ((i * 7 + r * 13) % 17) / 3) * 2 ** (r === 2 ? -20 : 0))));
    const fresh = views.slots.map((s) => s.slice());
    const kernel = sharedAdamKernel(memory);
    const c = { b1: 0.9, oneMinusB1: 0.1, b2: 0.999, oneMinusB2: 0.001, rootC2: 0.1, eps: 1e-8, stepSize: 1e-3 };
    for (const rank of [2, 0, 1].filter((r) => r < participants)) {
      const { start, end } = shareOf(rank, n, participants);
      addSlotsAndUpdate(kernel, layout, start, end, participants, c);
    }
    return { fresh, slot0: views.slots[0] };
  };
  const { fresh, slot0 } = make(3);
  const expected = Float32Array.from(fresh[0], (v, i) => Math.fround(Math.fround(v + fresh[1][i]) + fresh[2][i]));
  assert.deepEqual(slot0, expected);
  // The order shows in the bytes: slot 0 + (slot 1 + slot 2) rounds differently somewhere.
  assert.ok(fresh[0].some((v, i) => Math.fround(v + Math.fround(fresh[1][i] + fresh[2][i])) !== expected[i]));
  // Slots beyond the participants are left out.
  const two = make(2);
  assert.deepEqual(two.slot0, Float32Array.from(two.fresh[0], (v, i) => Math.fround(v + two.fresh[1][i])));
});

test("the shared layout starts every array on a 16-byte boundary and the kernel rejects stretches outside it", () => {
  const layout = sharedAdamLayout(1001, 2);
  for (const offset of [layout.m, layout.v, layout.slots, layout.slotStride]) assert.equal(offset % 16, 0);
  assert.ok(layout.slotStride >= 4 * 1001);
  assert.equal(layout.bytes, layout.slots + 2 * layout.slotStride);
  const memory = createSharedAdamMemory(layout);
  assert.ok(memory.buffer instanceof SharedArrayBuffer);
  const kernel = sharedAdamKernel(memory);
  const c = { b1: 0.9, oneMinusB1: 0.1, b2: 0.999, oneMinusB2: 0.001, rootC2: 0.1, eps: 1e-8, stepSize: 1e-3 };
  assert.throws(() => addSlotsAndUpdate(kernel, layout, 0, 1002, 2, c), /stretch \[0, 1002\) outside 0\.\.1001/);
  assert.throws(() => addSlotsAndUpdate(kernel, layout, 0, 10, 3, c), /3 participants for 2 slots/);
  assert.throws(() => sharedAdamLayout(0, 2), /nTrainable must be a positive integer, got 0/);
});
