/**
 * AssemblyScript source of the WebAssembly step of data-parallel training (../parallel-trainer.ts),
 * compiled by `npm run build:wasm` to lib/cnn/shared-adam-kernel.wasm; a test checks that the committed
 * module is what this source compiles to.
 *
 * Each training thread, once every thread has written its gradient slot, runs `addSlotsAndUpdate` over its
 * own stretch of the weights: the slots are added in thread order (slot 0 + slot 1 + ..., each sum rounded
 * to float32, the order of the one-step sum of `addSlotsInRankOrder` in ../parallel-train-worker.ts), the
 * sum is left in slot 0, and the Adam update of ../adam.ts (adam-step.ts) is applied in place to the
 * weights and moments. So the optimiser runs on every thread at once, on the memory the threads share,
 * instead of on the coordinating thread after them.
 *
 * Memory: imports a shared memory (`env.memory`, WebAssembly threads), keeps nothing of its own; pointers
 * are byte offsets of float32 arrays.
 */
import { adamScalar, adamVector } from "./adam-step";

/**
 * Elements [start, end) of: g = slot 0 + slot 1 + ... + slot (participants - 1), the slots `slotStride`
 * bytes apart from `slots`; g is stored in slot 0, then p, m and v are updated in place with the Adam
 * constants (float32, as Adam computes them for the step).
 */
export function addSlotsAndUpdate(
  start: i32, end: i32, slots: usize, slotStride: usize, participants: i32, p: usize, m: usize, v: usize,
  b1: f32, oneMinusB1: f32, b2: f32, oneMinusB2: f32, rootC2: f32, eps: f32, stepSize: f32,
): void {
  const vb1 = f32x4.splat(b1);
  const vo1 = f32x4.splat(oneMinusB1);
  const vb2 = f32x4.splat(b2);
  const vo2 = f32x4.splat(oneMinusB2);
  const vr = f32x4.splat(rootC2);
  const ve = f32x4.splat(eps);
  const vs = f32x4.splat(stepSize);
  let i = start;
  // Single elements up to a multiple of 4, so that the vectors are 16-byte aligned when the arrays are.
  for (; i < end && (i & 3) != 0; i++) {
    const o = <usize>i << 2;
    const g = sumScalar(slots + o, slotStride, participants);
    adamScalar(o, g, p, m, v, p, m, v, b1, oneMinusB1, b2, oneMinusB2, rootC2, eps, stepSize);
  }
  for (; i + 4 <= end; i += 4) {
    const o = <usize>i << 2;
    let g = v128.load(slots + o);
    for (let r = 1; r < participants; r++) g = f32x4.add(g, v128.load(slots + <usize>r * slotStride + o));
    v128.store(slots + o, g);
    adamVector(o, g, p, m, v, p, m, v, vb1, vo1, vb2, vo2, vr, ve, vs);
  }
  for (; i < end; i++) {
    const o = <usize>i << 2;
    const g = sumScalar(slots + o, slotStride, participants);
    adamScalar(o, g, p, m, v, p, m, v, b1, oneMinusB1, b2, oneMinusB2, rootC2, eps, stepSize);
  }
}

/** The slots' element at `at` (slot 0's address) added in thread order, stored back into slot 0. */
@inline
function sumScalar(at: usize, slotStride: usize, participants: i32): f32 {
  let g = load<f32>(at);
  for (let r = 1; r < participants; r++) g += load<f32>(at + <usize>r * slotStride);
  store<f32>(at, g);
  return g;
}
