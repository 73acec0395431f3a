/**
 * Sum of `x[offset .. offset + n)` by numpy's pairwise summation (the algorithm of its float reductions:
 * blocks of up to 128 values summed with eight interleaved accumulators, larger ranges split in halves at
 * multiples of eight). Rounding error grows as O(log n) instead of O(n), and results sit within an ulp or
 * two of numpy.sum, which keeps our features comparable with the Python reference.
 */
export function pairwiseSum(x: ArrayLike<number>, offset = 0, n = x.length - offset): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += x[offset + i];
    return res;
  }
  if (n <= 128) {
    let r0 = x[offset], r1 = x[offset + 1], r2 = x[offset + 2], r3 = x[offset + 3];
    let r4 = x[offset + 4], r5 = x[offset + 5], r6 = x[offset + 6], r7 = x[offset + 7];
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      const o = offset + i;
      r0 += x[o];
      r1 += x[o + 1];
      r2 += x[o + 2];
      r3 += x[o + 3];
      r4 += x[o + 4];
      r5 += x[o + 5];
      r6 += x[o + 6];
      r7 += x[o + 7];
    }
    let res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
    for (; i < n; i++) res += x[offset + i];
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(x, offset, n2) + pairwiseSum(x, offset + n2, n - n2);
}
