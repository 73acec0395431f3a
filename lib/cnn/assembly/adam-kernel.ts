/**
 * AssemblyScript source of the WebAssembly Adam update (../adam.ts), compiled by `npm run build:wasm` twice:
 * to lib/cnn/adam-kernel.wasm on tf.js' wasm-backend memory, behind `Adam.applyGradients` on the wasm
 * backend, and to lib/cnn/shared-adam-kernel.wasm on the shared memory of data-parallel training's threads
 * (lib/cnn/shared-adam.ts); a test checks that the committed modules are what this source compiles to.
 *
 * One pass instead of the dozen tf.js ops (each a pass over 1.3 million values) of the same update, with the
 * float32 operations of those ops in their order, so that the bytes are the same:
 *   m' = m * b1 + g * (1 - b1);  v' = v * b2 + (g * g) * (1 - b2);
 *   p' = p - (m' / (sqrt(v') / rootC2 + eps)) * stepSize
 * (wasm f32 arithmetic is IEEE binary32, sqrt correctly rounded, no fused multiply-add). The constants come
 * rounded to float32, as tf.js rounds a JavaScript number multiplied into a float32 tensor. The gradient g
 * is the sum of the threads' gradient slots, added in thread order (slot 0 + slot 1 + ..., each sum rounded
 * to float32), so the bytes do not depend on which thread adds which stretch of the weights; one thread's
 * update is the case of one slot.
 *
 * Memory: imports `env.memory` and keeps nothing of its own; pointers are byte offsets of float32 arrays.
 */

/**
 * Elements [start, end) of: g = slot 0 + slot 1 + ... + slot (participants - 1), the slots `slotStride`
 * bytes apart from `slots`, stored into slot 0; then the Adam update of p, m and v with g into pOut, mOut
 * and vOut (which may be p, m and v: each element is read before it is written).
 */
export function addSlotsAndUpdate(
  start: i32, end: i32, slots: usize, slotStride: usize, participants: i32,
  p: usize, m: usize, v: usize, pOut: usize, mOut: usize, vOut: usize,
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
    adamScalar(o, sumScalar(slots + o, slotStride, participants), p, m, v, pOut, mOut, vOut, b1, oneMinusB1, b2, oneMinusB2, rootC2, eps, stepSize);
  }
  for (; i + 4 <= end; i += 4) {
    const o = <usize>i << 2;
    let g = v128.load(slots + o);
    if (participants > 1) {
      for (let r = 1; r < participants; r++) g = f32x4.add(g, v128.load(slots + <usize>r * slotStride + o));
      v128.store(slots + o, g);
    }
    const mi = f32x4.add(f32x4.mul(v128.load(m + o), vb1), f32x4.mul(g, vo1));
    const vi = f32x4.add(f32x4.mul(v128.load(v + o), vb2), f32x4.mul(f32x4.mul(g, g), vo2));
    const den = f32x4.add(f32x4.div(f32x4.sqrt(vi), vr), ve);
    v128.store(pOut + o, f32x4.sub(v128.load(p + o), f32x4.mul(f32x4.div(mi, den), vs)));
    v128.store(mOut + o, mi);
    v128.store(vOut + o, vi);
  }
  for (; i < end; i++) {
    const o = <usize>i << 2;
    adamScalar(o, sumScalar(slots + o, slotStride, participants), p, m, v, pOut, mOut, vOut, b1, oneMinusB1, b2, oneMinusB2, rootC2, eps, stepSize);
  }
}

/** The slots' element at `at` (slot 0's address) added in thread order, stored back into slot 0. */
@inline
function sumScalar(at: usize, slotStride: usize, participants: i32): f32 {
  let g = load<f32>(at);
  if (participants > 1) {
    for (let r = 1; r < participants; r++) g += load<f32>(at + <usize>r * slotStride);
    store<f32>(at, g);
  }
  return g;
}

/** The update of the one element at byte offset `o`, with gradient `g`. */
@inline
function adamScalar(
  o: usize, g: f32, p: usize, m: usize, v: usize, pOut: usize, mOut: usize, vOut: usize,
  b1: f32, oneMinusB1: f32, b2: f32, oneMinusB2: f32, rootC2: f32, eps: f32, stepSize: f32,
): void {
  const mi = load<f32>(m + o) * b1 + g * oneMinusB1;
  const vi = load<f32>(v + o) * b2 + g * g * oneMinusB2;
  const den = Mathf.sqrt(vi) / rootC2 + eps;
  store<f32>(pOut + o, load<f32>(p + o) - (mi / den) * stepSize);
  store<f32>(mOut + o, mi);
  store<f32>(vOut + o, vi);
}
