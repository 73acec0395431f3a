/**
 * The Adam update of one element and of four (../adam.ts), inlined into the two Adam kernels (adam-kernel.ts
 * on tf.js' wasm-backend memory, shared-adam-kernel.ts on the shared memory of data-parallel training) so that
 * both perform the float32 operations of the tf.js ops of the same update, in their order:
 *   m' = m * b1 + g * (1 - b1);  v' = v * b2 + (g * g) * (1 - b2);
 *   p' = p - (m' / (sqrt(v') / rootC2 + eps)) * stepSize
 * (wasm f32 arithmetic is IEEE binary32, sqrt correctly rounded, no fused multiply-add). `o` is the byte
 * offset of the element(s) from each array's start; an output may be its input (the update reads first).
 */

/** Four lanes from byte offset `o`; the constants splatted (vb1 = b1, vo1 = 1 - b1, ...). */
@inline
export function adamVector(
  o: usize, gi: v128, p: usize, m: usize, v: usize, pOut: usize, mOut: usize, vOut: usize,
  vb1: v128, vo1: v128, vb2: v128, vo2: v128, vr: v128, ve: v128, vs: v128,
): void {
  const mi = f32x4.add(f32x4.mul(v128.load(m + o), vb1), f32x4.mul(gi, vo1));
  const vi = f32x4.add(f32x4.mul(v128.load(v + o), vb2), f32x4.mul(f32x4.mul(gi, gi), vo2));
  const den = f32x4.add(f32x4.div(f32x4.sqrt(vi), vr), ve);
  v128.store(pOut + o, f32x4.sub(v128.load(p + o), f32x4.mul(f32x4.div(mi, den), vs)));
  v128.store(mOut + o, mi);
  v128.store(vOut + o, vi);
}

/** One element at byte offset `o`. */
@inline
export function adamScalar(
  o: usize, gi: f32, p: usize, m: usize, v: usize, pOut: usize, mOut: usize, vOut: usize,
  b1: f32, oneMinusB1: f32, b2: f32, oneMinusB2: f32, rootC2: f32, eps: f32, stepSize: f32,
): void {
  const mi = load<f32>(m + o) * b1 + gi * oneMinusB1;
  const vi = load<f32>(v + o) * b2 + gi * gi * oneMinusB2;
  const den = Mathf.sqrt(vi) / rootC2 + eps;
  store<f32>(pOut + o, load<f32>(p + o) - (mi / den) * stepSize);
  store<f32>(mOut + o, mi);
  store<f32>(vOut + o, vi);
}
