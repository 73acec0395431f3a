/**
 * AssemblyScript source of the WebAssembly Adam update behind `Adam.applyGradients` (../adam.ts) on the wasm
 * backend, compiled by `npm run build:wasm` to ../adam-kernel.wasm; a test checks that the committed module is
 * what this source compiles to.
 *
 * One pass instead of the dozen tf.js ops (each a pass over 1.3 million values) of the same update, with the
 * float32 operations of those ops in their order, so that the bytes are the same:
 *   m' = m * b1 + g * (1 - b1);  v' = v * b2 + (g * g) * (1 - b2);
 *   p' = p - (m' / (sqrt(v') / rootC2 + eps)) * stepSize
 * (wasm f32 arithmetic is IEEE binary32, sqrt correctly rounded, no fused multiply-add). The constants come
 * rounded to float32, as tf.js rounds a JavaScript number multiplied into a float32 tensor.
 *
 * Memory: imports tf.js' wasm-backend memory (`env.memory`), keeps nothing of its own; pointers are byte
 * offsets of float32 arrays of n values.
 */
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
    const gi = v128.load(g + o);
    const mi = f32x4.add(f32x4.mul(v128.load(m + o), vb1), f32x4.mul(gi, vo1));
    const vi = f32x4.add(f32x4.mul(v128.load(v + o), vb2), f32x4.mul(f32x4.mul(gi, gi), vo2));
    const den = f32x4.add(f32x4.div(f32x4.sqrt(vi), vr), ve);
    v128.store(pOut + o, f32x4.sub(v128.load(p + o), f32x4.mul(f32x4.div(mi, den), vs)));
    v128.store(mOut + o, mi);
    v128.store(vOut + o, vi);
  }
  for (let i = vectors; i < n; i++) {
    const o = <usize>i << 2;
    const gi = load<f32>(g + o);
    const mi = load<f32>(m + o) * b1 + gi * oneMinusB1;
    const vi = load<f32>(v + o) * b2 + gi * gi * oneMinusB2;
    const den = Mathf.sqrt(vi) / rootC2 + eps;
    store<f32>(pOut + o, load<f32>(p + o) - (mi / den) * stepSize);
    store<f32>(mOut + o, mi);
    store<f32>(vOut + o, vi);
  }
}
