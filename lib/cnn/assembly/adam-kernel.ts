/**
 * AssemblyScript source of the WebAssembly Adam update behind `Adam.applyGradients` (../adam.ts) on the wasm
 * backend, compiled by `npm run build:wasm` to ../adam-kernel.wasm; a test checks that the committed module is
 * what this source compiles to.
 *
 * One pass instead of the dozen tf.js ops (each a pass over 1.3 million values) of the same update, with the
 * float32 operations of those ops in their order, so that the bytes are the same:
 *   m' = m * b1 + g * (1 - b1);  v' = v * b2 + (g * g) * (1 - b2);
 *   p' = p - (m' / (sqrt(v') / rootC2 + eps)) * stepSize
 * (adam-step.ts, shared with the data-parallel kernel shared-adam-kernel.ts). The constants come rounded to
 * float32, as tf.js rounds a JavaScript number multiplied into a float32 tensor.
 *
 * Memory: imports tf.js' wasm-backend memory (`env.memory`), keeps nothing of its own; pointers are byte
 * offsets of float32 arrays of n values.
 */
import { adamScalar, adamVector } from "./adam-step";

export function adamUpdate(
  n: i32, p: usize, g: usize, m: usize, v: usize, pOut: usize, mOut: usize, vOut: usize,
  b1: f32, oneMinusB1: f32, b2: f32, oneMinusB2: f32, rootC2: f32, eps: f32, stepSize: f32,
): void {
  const vb1 = f32x4.splat(b1);
  const vo1 = f32x4.splat(oneMinusB1);
  const vb2 = f32x4.splat(b2);
  const vo2 = f32x4.splat(oneMinusB2);
  const vr = f32x4.splat(rootC2);
  const ve = f32x4.splat(eps);
  const vs = f32x4.splat(stepSize);
  const vectors = n & ~3;
  for (let i = 0; i < vectors; i += 4) {
    const o = <usize>i << 2;
    adamVector(o, v128.load(g + o), p, m, v, pOut, mOut, vOut, vb1, vo1, vb2, vo2, vr, ve, vs);
  }
  for (let i = vectors; i < n; i++) {
    const o = <usize>i << 2;
    adamScalar(o, load<f32>(g + o), p, m, v, pOut, mOut, vOut, b1, oneMinusB1, b2, oneMinusB2, rootC2, eps, stepSize);
  }
}
