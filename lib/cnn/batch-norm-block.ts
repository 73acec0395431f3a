/**
 * The CNN2D's "bias, batch norm (training mode), max-pool 2x2, ReLU" tail of a conv block as one
 * differentiable tf.js op with a hand-written gradient, for training on the cpu and wasm backends.
 *
 * Through the layers API this tail is a chain of a dozen ops (moments, batchNormalization, maxPool, relu)
 * and about twice as many in the backward pass, each a full pass over the largest activation of the network
 * (32 x 33 x 153 x 32 floats per batch); here it is two passes forward (statistics; normalise, pool and
 * ReLU) and two backward, elementwise in float32 (as tf.js' own kernels and PyTorch compute) with every
 * per-channel sum over pixels accumulated in float64. Same math as Keras' BatchNormalization in training mode
 * (normalisation by the biased batch variance), PyTorch's MaxPool2d(2) (floor) and ReLU; the test compares
 * both directions with the layers path.
 */
import * as tf from "@tensorflow/tfjs";
import { batchNormKernelsFor, type BatchNormKernels } from "./backend-memory-kernels";
import { registerTypedKernel } from "./typed-kernel";

/**
 * Sums per-channel partial sums across the threads that share one training batch (data-parallel training,
 * lib/cnn/parallel-train.ts): every thread passes its own partials and receives the totals, added in thread
 * order so every thread gets the same bytes. Null (the default) trains on the whole batch in this thread.
 */
export interface BatchNormSync {
  allReduce(values: Float64Array): void;
  /** This thread's index among those sharing the batch, 0-based. */
  readonly rank: number;
  /** Number of threads sharing the current batch. */
  readonly threads: number;
}

let batchNormSync: BatchNormSync | null = null;

/**
 * Makes the fused batch-norm blocks of this thread compute their statistics (forward) and gradient sums
 * (backward) over the whole batch shared through `sync` (synchronised batch norm), or over the thread's own
 * tensors again with `null`.
 */
export function setBatchNormSync(sync: BatchNormSync | null): void {
  batchNormSync = sync;
}

/** Name of the forward kernel (registered for "cpu" and "wasm" on first use). */
export const BN_BLOCK_KERNEL = "SeismicXaiBatchNormPoolRelu";
/** Name of the gradient kernel. */
export const BN_BLOCK_GRAD_KERNEL = "SeismicXaiBatchNormPoolReluGrad";

/** Options of `batchNormPoolRelu`. */
export interface BatchNormBlockOptions {
  /** Added to the variance before the square root. */
  epsilon: number;
  /** 2: max-pool 2x2 with stride 2 (floor) before the ReLU; 1: no pooling. */
  poolSize: 1 | 2;
}

/** Result of `batchNormPoolRelu`. */
export interface BatchNormBlockResult {
  /** relu(maxPool(batchNorm(x + bias))): [N, H/ps, W/ps, C] (floor). */
  y: tf.Tensor4D;
  /** Batch mean of x + bias per channel, [C]; no gradient flows through it (moving averages only). */
  mean: tf.Tensor1D;
  /** Biased batch variance per channel, [C]; no gradient flows through it. */
  variance: tf.Tensor1D;
}

/**
 * y = relu(maxPool(gamma * (z - mean) / sqrt(variance + epsilon) + beta)) with z = x + bias and the batch
 * statistics of z over N, H, W (training-mode batch norm). Differentiable in x, bias, gamma and beta.
 *
 * @param x conv output without bias, NHWC [N, H, W, C] float32
 * @param bias, gamma, beta per-channel [C]
 */
export function batchNormPoolRelu(x: tf.Tensor4D, bias: tf.Tensor1D, gamma: tf.Tensor1D, beta: tf.Tensor1D, options: BatchNormBlockOptions): BatchNormBlockResult {
  ensureRegistered();
  const c = x.shape[3];
  for (const [name, t] of [["bias", bias], ["gamma", gamma], ["beta", beta]] as const) {
    if (t.rank !== 1 || t.shape[0] !== c) throw new Error(`batchNormPoolRelu: ${name} must have shape [${c}], got [${t.shape}]`);
  }
  const attrs = { epsilon: options.epsilon, poolSize: options.poolSize };
  const [y, mean, variance] = tf.engine().runKernel(BN_BLOCK_KERNEL, { x, bias, gamma, beta }, attrs) as tf.Tensor[];
  return { y: y as tf.Tensor4D, mean: mean as tf.Tensor1D, variance: variance as tf.Tensor1D };
}

let registered = false;

function ensureRegistered(): void {
  if (registered) return;
  registered = true;
  registerTypedKernel({
    kernelName: BN_BLOCK_KERNEL,
    inputNames: ["x", "bias", "gamma", "beta"],
    outputs: ([xs], attrs) => {
      const ps = attrs.poolSize as number;
      return [{ shape: [xs[0], Math.floor(xs[1] / ps), Math.floor(xs[2] / ps), xs[3]] }, { shape: [xs[3]] }, { shape: [xs[3]] }];
    },
    body: forwardBody,
    scratchFloats: ([xs]) => (2 * 2 + 3) * xs[3],
  });
  registerTypedKernel({
    kernelName: BN_BLOCK_GRAD_KERNEL,
    inputNames: ["dy", "x", "bias", "gamma", "beta", "mean", "variance"],
    outputs: ([, xs]) => [{ shape: xs.slice() }, { shape: [xs[3]] }, { shape: [xs[3]] }, { shape: [xs[3]] }],
    body: backwardBody,
    scratchFloats: ([, xs]) => (2 * 3 + 7) * xs[3],
  });
  tf.registerGradient({
    kernelName: BN_BLOCK_KERNEL,
    inputsToSave: ["x", "bias", "gamma", "beta"],
    outputsToSave: [false, true, true],
    gradFunc: (dys, saved, attrs) => {
      const dy = Array.isArray(dys) ? dys[0] : dys;
      const [x, bias, gamma, beta, mean, variance] = saved;
      const [dx, dBias, dGamma, dBeta] = tf.engine().runKernel(BN_BLOCK_GRAD_KERNEL, { dy, x, bias, gamma, beta, mean, variance }, attrs) as tf.Tensor[];
      return { x: () => dx, bias: () => dBias, gamma: () => dGamma, beta: () => dBeta };
    },
  });
}

/**
 * Per-channel constants of the normalisation from the stored (float32) statistics: the affine form
 * y = x * scale + shift, the mean of x (without the bias) and 1 / sqrt(variance + epsilon), computed in
 * float64 and rounded once to the float32 in which the elementwise passes compute.
 */
interface Affine {
  meanX: Float32Array;
  rstd: Float32Array;
  scale: Float32Array;
  shift: Float32Array;
  /** rstd before its rounding, for the backward pass' constants. */
  rstd64: Float64Array;
}

function affineOf(mean: Float32Array, variance: Float32Array, bias: Float32Array, gamma: Float32Array, beta: Float32Array, epsilon: number): Affine {
  const c = mean.length;
  const affine: Affine = { meanX: new Float32Array(c), rstd: new Float32Array(c), scale: new Float32Array(c), shift: new Float32Array(c), rstd64: new Float64Array(c) };
  for (let k = 0; k < c; k++) {
    // The statistics are of z = x + bias; the bias cancels in the normalised value.
    const meanX = mean[k] - bias[k];
    const rstd = 1 / Math.sqrt(variance[k] + epsilon);
    const scale = gamma[k] * rstd;
    affine.meanX[k] = meanX;
    affine.rstd[k] = rstd;
    affine.rstd64[k] = rstd;
    affine.scale[k] = scale;
    affine.shift[k] = beta[k] - meanX * scale;
  }
  return affine;
}

/**
 * The batch-norm gradient dz = gamma * rstd / M * (M * dyBn - sumG - zhat * sumGz), zhat = (x - meanX) * rstd,
 * as dz = (a * dyBn + cc * (x - meanX)) + b per channel: a, b and cc in float64, rounded once to float32.
 */
function gradientConstants(gamma: Float32Array, rstd64: Float64Array, sumG: Float64Array, sumGz: Float64Array, m: number): { a: Float32Array; b: Float32Array; cc: Float32Array } {
  const c = gamma.length;
  const a = new Float32Array(c);
  const b = new Float32Array(c);
  const cc = new Float32Array(c);
  for (let k = 0; k < c; k++) {
    const kf = (gamma[k] * rstd64[k]) / m;
    a[k] = kf * m;
    b[k] = -kf * sumG[k];
    cc[k] = -kf * sumGz[k] * rstd64[k];
  }
  return { a, b, cc };
}

/** The WebAssembly kernels when the tensors live in the wasm backend's memory and C is divisible by 4, else null. */
function wasmKernelsFor(x: Float32Array, c: number, scratch: Float32Array): BatchNormKernels | null {
  if (c % 4 !== 0 || scratch.byteOffset % 8 !== 0 || scratch.length === 0) return null;
  return batchNormKernelsFor(x.buffer);
}

/**
 * `wide` float64 vectors of length c, then `narrow` float32 vectors of length c, laid out in the scratch
 * memory: their byte offsets and views.
 */
function scratchVectors(scratch: Float32Array, c: number, wide: number, narrow: number): { ptr: number[]; f64: Float64Array[]; f32: Float32Array[] } {
  const ptr: number[] = [];
  const f64: Float64Array[] = [];
  const f32: Float32Array[] = [];
  for (let i = 0; i < wide; i++) {
    ptr.push(scratch.byteOffset + 8 * c * i);
    f64.push(new Float64Array(scratch.buffer, scratch.byteOffset + 8 * c * i, c));
  }
  for (let i = 0; i < narrow; i++) {
    const at = scratch.byteOffset + 8 * c * wide + 4 * c * i;
    ptr.push(at);
    f32.push(new Float32Array(scratch.buffer, at, c));
  }
  return { ptr, f64, f32 };
}

const fr = Math.fround;

function forwardBody(inputs: Float32Array[], outputs: Float32Array[], shapes: number[][], attrs: tf.NamedAttrMap, scratch: Float32Array): void {
  const [x, bias, gamma, beta] = inputs;
  const [out, mean, variance] = outputs;
  const [n, h, w, c] = shapes[0];
  const m = n * h * w;
  const total = m * c;
  const kernels = wasmKernelsFor(x, c, scratch);
  if (kernels !== null) {
    forwardWasm(kernels, inputs, outputs, shapes[0], attrs, scratch);
    return;
  }
  if (batchNormSync === null) {
    const shiftX = x.slice(0, c);
    const sum = new Float64Array(c);
    const sumSq = new Float64Array(c);
    shiftedSums(x, m, c, shiftX, sum, sumSq);
    statisticsOfSums(m, shiftX, sum, sumSq, bias, mean, variance);
  } else {
    syncedStatistics(batchNormSync, x, m, c, bias, mean, variance);
  }
  const { scale, shift } = affineOf(mean, variance, bias, gamma, beta, attrs.epsilon as number);
  if (attrs.poolSize === 2) {
    const hp = Math.floor(h / 2);
    const wp = Math.floor(w / 2);
    let o = 0;
    for (let b = 0; b < n; b++) {
      for (let py = 0; py < hp; py++) {
        for (let px = 0; px < wp; px++) {
          const i00 = ((b * h + 2 * py) * w + 2 * px) * c;
          const i01 = i00 + c;
          const i10 = i00 + w * c;
          const i11 = i10 + c;
          for (let k = 0; k < c; k++, o++) {
            const s = scale[k];
            const t = shift[k];
            let v = fr(fr(x[i00 + k] * s) + t);
            const v01 = fr(fr(x[i01 + k] * s) + t);
            if (v01 > v) v = v01;
            const v10 = fr(fr(x[i10 + k] * s) + t);
            if (v10 > v) v = v10;
            const v11 = fr(fr(x[i11 + k] * s) + t);
            if (v11 > v) v = v11;
            out[o] = v > 0 ? v : 0;
          }
        }
      }
    }
  } else {
    for (let j = 0; j < total; j += c) {
      for (let k = 0; k < c; k++) {
        const v = fr(fr(x[j + k] * scale[k]) + shift[k]);
        out[j + k] = v > 0 ? v : 0;
      }
    }
  }
}

function backwardBody(inputs: Float32Array[], outputs: Float32Array[], shapes: number[][], attrs: tf.NamedAttrMap, scratch: Float32Array): void {
  const [dy, x, bias, gamma, beta, mean, variance] = inputs;
  const [dx, dBias, dGamma, dBeta] = outputs;
  const [n, h, w, c] = shapes[1];
  const kernels = wasmKernelsFor(x, c, scratch);
  if (kernels !== null) {
    backwardWasm(kernels, inputs, outputs, shapes[1], attrs, scratch);
    return;
  }
  const mLocal = n * h * w;
  const total = mLocal * c;
  const { meanX, rstd, scale, shift, rstd64 } = affineOf(mean, variance, bias, gamma, beta, attrs.epsilon as number);
  const sumG = new Float64Array(c);
  const sumGz = new Float64Array(c);
  // Pass A: route dy through the ReLU and the max-pool into dx (as the gradient with respect to the
  // batch-norm output), accumulating the sums the batch-norm gradient needs.
  if (attrs.poolSize === 2) {
    dx.fill(0);
    const hp = Math.floor(h / 2);
    const wp = Math.floor(w / 2);
    let o = 0;
    for (let b = 0; b < n; b++) {
      for (let py = 0; py < hp; py++) {
        for (let px = 0; px < wp; px++) {
          const i00 = ((b * h + 2 * py) * w + 2 * px) * c;
          const i01 = i00 + c;
          const i10 = i00 + w * c;
          const i11 = i10 + c;
          for (let k = 0; k < c; k++, o++) {
            const s = scale[k];
            const t = shift[k];
            // First maximum in window order, as tf.js' MaxPoolGrad picks it.
            let at = i00 + k;
            let v = fr(fr(x[at] * s) + t);
            const v01 = fr(fr(x[i01 + k] * s) + t);
            if (v01 > v) {
              v = v01;
              at = i01 + k;
            }
            const v10 = fr(fr(x[i10 + k] * s) + t);
            if (v10 > v) {
              v = v10;
              at = i10 + k;
            }
            const v11 = fr(fr(x[i11 + k] * s) + t);
            if (v11 > v) {
              v = v11;
              at = i11 + k;
            }
            if (v > 0) {
              const g = dy[o];
              dx[at] = g;
              sumG[k] += g;
              sumGz[k] += fr(g * fr(fr(x[at] - meanX[k]) * rstd[k]));
            }
          }
        }
      }
    }
  } else {
    for (let j = 0; j < total; j += c) {
      for (let k = 0; k < c; k++) {
        const xv = x[j + k];
        if (fr(fr(xv * scale[k]) + shift[k]) > 0) {
          const g = dy[j + k];
          dx[j + k] = g;
          sumG[k] += g;
          sumGz[k] += fr(g * fr(fr(xv - meanX[k]) * rstd[k]));
        } else {
          dx[j + k] = 0;
        }
      }
    }
  }
  // The gradients of bias, gamma and beta are this thread's shares (the trainer adds the threads' gradients);
  // dx needs the sums over the whole batch.
  const ownG = sumG.slice();
  const ownGz = sumGz.slice();
  const m = batchSums(sumG, sumGz, mLocal, c);
  // Pass B: the batch-norm gradient (gradientConstants).
  const { a, b, cc } = gradientConstants(gamma, rstd64, sumG, sumGz, m);
  const acc = new Float64Array(c);
  for (let j = 0; j < total; j += c) {
    for (let k = 0; k < c; k++) {
      const v = fr(fr(fr(a[k] * dx[j + k]) + fr(cc[k] * fr(x[j + k] - meanX[k]))) + b[k]);
      dx[j + k] = v;
      acc[k] += v;
    }
  }
  for (let k = 0; k < c; k++) {
    dBias[k] = acc[k];
    dGamma[k] = ownGz[k];
    dBeta[k] = ownG[k];
  }
}

/**
 * The batch-norm backward sums over the whole batch: with a sync, this thread's sums of dy and dy * zhat (each
 * of length c, replaced in place) and its row count are added across threads in one all-reduce; alone, as they are.
 * @returns the batch's row count M
 */
function batchSums(sumG: Float64Array, sumGz: Float64Array, mLocal: number, c: number): number {
  if (batchNormSync === null) return mLocal;
  const shared = new Float64Array(2 * c + 1);
  shared.set(sumG, 0);
  shared.set(sumGz, c);
  shared[2 * c] = mLocal;
  batchNormSync.allReduce(shared);
  sumG.set(shared.subarray(0, c));
  sumGz.set(shared.subarray(c, 2 * c));
  return shared[2 * c];
}

/**
 * Per-channel sums of d = x - shift and of d * d over the m pixels of x [m, c], added to sum and sumSq: one
 * pass, deviations from a per-channel shift (the channel's first value) so that the squares do not cancel
 * against the mean. d and d * d are float32 and added in float32 over blocks of four pixels, (d0 + d1) +
 * (d2 + d3); the blocks' sums, and then the pixels after the last whole block, are added in float64 (the
 * arithmetic of assembly/batch-norm-kernels.ts' sumDeviations, bit for bit).
 */
function shiftedSums(x: Float32Array, m: number, c: number, shift: Float32Array, sum: Float64Array, sumSq: Float64Array): void {
  const whole = m - (m % 4);
  for (let j = 0; j < whole; j += 4) {
    const p = j * c;
    for (let k = 0; k < c; k++) {
      const t = shift[k];
      const d0 = fr(x[p + k] - t);
      const d1 = fr(x[p + c + k] - t);
      const d2 = fr(x[p + 2 * c + k] - t);
      const d3 = fr(x[p + 3 * c + k] - t);
      sum[k] += fr(fr(d0 + d1) + fr(d2 + d3));
      sumSq[k] += fr(fr(fr(d0 * d0) + fr(d1 * d1)) + fr(fr(d2 * d2) + fr(d3 * d3)));
    }
  }
  for (let j = whole; j < m; j++) {
    for (let k = 0; k < c; k++) {
      const d = fr(x[j * c + k] - shift[k]);
      sum[k] += d;
      sumSq[k] += fr(d * d);
    }
  }
}

/** Batch mean and biased variance of z = x + bias per channel from one thread's `shiftedSums` over its m pixels. */
function statisticsOfSums(m: number, shift: Float32Array, sum: Float64Array, sumSq: Float64Array, bias: Float32Array, mean: Float32Array, variance: Float32Array): void {
  for (let k = 0; k < shift.length; k++) {
    const meanD = sum[k] / m;
    mean[k] = shift[k] + meanD + bias[k];
    variance[k] = Math.max(0, sumSq[k] / m - meanD * meanD);
  }
}

/**
 * Batch mean and biased variance of z = x + bias per channel over every thread's share of the batch, in one
 * pass over x and one exchange: each thread reduces its rows to a count, a mean and a sum of squared
 * deviations (shifted sums, as the one-thread path), the threads exchange those, and every thread combines
 * them in thread order (Chan, Golub & LeVeque's pairwise update), so all get the same bytes.
 */
function syncedStatistics(sync: BatchNormSync, x: Float32Array, mLocal: number, c: number, bias: Float32Array, mean: Float32Array, variance: Float32Array): void {
  const shift = x.slice(0, c);
  const sum = new Float64Array(c);
  const sumSq = new Float64Array(c);
  shiftedSums(x, mLocal, c, shift, sum, sumSq);
  combineAcrossThreads(sync, mLocal, shift, sum, sumSq, bias, mean, variance);
}

/**
 * The exchange of `syncedStatistics`: this thread's shifted sums become (count, mean, squared deviations),
 * written to its own section of a vector that is zero elsewhere, so that the all-reduce (a sum) hands every
 * thread every section unchanged; then the sections are combined in thread order.
 */
function combineAcrossThreads(sync: BatchNormSync, mLocal: number, shift: Float32Array, sum: Float64Array, sumSq: Float64Array, bias: Float32Array, mean: Float32Array, variance: Float32Array): void {
  const c = shift.length;
  const section = 2 * c + 1;
  const threads = sync.threads;
  const all = new Float64Array(threads * section);
  const own = sync.rank * section;
  all[own] = mLocal;
  for (let k = 0; k < c; k++) {
    const meanD = mLocal > 0 ? sum[k] / mLocal : 0;
    all[own + 1 + k] = shift[k] + meanD;
    all[own + 1 + c + k] = Math.max(0, sumSq[k] - sum[k] * meanD);
  }
  sync.allReduce(all);
  for (let k = 0; k < c; k++) {
    let n = 0;
    let mu = 0;
    let m2 = 0;
    for (let r = 0; r < threads; r++) {
      const nr = all[r * section];
      if (nr === 0) continue;
      const muR = all[r * section + 1 + k];
      const n2 = n + nr;
      const delta = muR - mu;
      mu += (delta * nr) / n2;
      m2 += all[r * section + 1 + c + k] + ((delta * delta * n) * nr) / n2;
      n = n2;
    }
    mean[k] = mu + bias[k];
    variance[k] = m2 / n;
  }
}

/** forwardBody with the WebAssembly kernels (same arithmetic, see assembly/batch-norm-kernels.ts). */
function forwardWasm(k: BatchNormKernels, inputs: Float32Array[], outputs: Float32Array[], shape: number[], attrs: tf.NamedAttrMap, scratch: Float32Array): void {
  const [x, bias, gamma, beta] = inputs;
  const [out, mean, variance] = outputs;
  const [n, h, w, c] = shape;
  const m = n * h * w;
  const { ptr, f64, f32 } = scratchVectors(scratch, c, 2, 3);
  const [sumV, sqV] = f64;
  const [shiftV, scaleV, affineShiftV] = f32;
  const [sumP, sqP, shiftP, scaleP, affineShiftP] = ptr;
  sumV.fill(0);
  sqV.fill(0);
  shiftV.set(x.subarray(0, c));
  k.sumDeviations(x.byteOffset, m, c, shiftP, sumP, sqP);
  if (batchNormSync === null) statisticsOfSums(m, shiftV, sumV, sqV, bias, mean, variance);
  // syncedStatistics with its pass over x in WebAssembly.
  else combineAcrossThreads(batchNormSync, m, shiftV.slice(), sumV.slice(), sqV.slice(), bias, mean, variance);
  const { scale, shift } = affineOf(mean, variance, bias, gamma, beta, attrs.epsilon as number);
  scaleV.set(scale);
  affineShiftV.set(shift);
  if (attrs.poolSize === 2) k.normPoolRelu(x.byteOffset, n, h, w, c, scaleP, affineShiftP, out.byteOffset);
  else k.normRelu(x.byteOffset, m, c, scaleP, affineShiftP, out.byteOffset);
}

/** backwardBody with the WebAssembly kernels (same arithmetic, see assembly/batch-norm-kernels.ts). */
function backwardWasm(k: BatchNormKernels, inputs: Float32Array[], outputs: Float32Array[], shape: number[], attrs: tf.NamedAttrMap, scratch: Float32Array): void {
  const [dy, x, bias, gamma, beta, mean, variance] = inputs;
  const [dx, dBias, dGamma, dBeta] = outputs;
  const [n, h, w, c] = shape;
  const mLocal = n * h * w;
  const affine = affineOf(mean, variance, bias, gamma, beta, attrs.epsilon as number);
  const { ptr, f64, f32 } = scratchVectors(scratch, c, 3, 7);
  const [sumGV, sumGzV, accV] = f64;
  const [scaleV, shiftV, meanXV, rstdV, aV, bV, ccV] = f32;
  const [sumGP, sumGzP, accP, scaleP, shiftP, meanXP, rstdP, aP, bP, ccP] = ptr;
  scaleV.set(affine.scale);
  shiftV.set(affine.shift);
  meanXV.set(affine.meanX);
  rstdV.set(affine.rstd);
  sumGV.fill(0);
  sumGzV.fill(0);
  accV.fill(0);
  if (attrs.poolSize === 2) {
    // The kernel writes every element of dx, the zeros outside the windows included.
    k.poolReluBackward(dy.byteOffset, x.byteOffset, n, h, w, c, scaleP, shiftP, meanXP, rstdP, dx.byteOffset, sumGP, sumGzP);
  } else {
    k.reluBackward(dy.byteOffset, x.byteOffset, mLocal, c, scaleP, shiftP, meanXP, rstdP, dx.byteOffset, sumGP, sumGzP);
  }
  // This thread's shares go out as the gradients of beta and gamma; dx needs the whole batch's sums.
  dBeta.set(sumGV);
  dGamma.set(sumGzV);
  const m = batchSums(sumGV, sumGzV, mLocal, c);
  const { a, b, cc } = gradientConstants(gamma, affine.rstd64, sumGV, sumGzV, m);
  aV.set(a);
  bV.set(b);
  ccV.set(cc);
  k.batchNormBackward(x.byteOffset, mLocal, c, meanXP, aP, bP, ccP, dx.byteOffset, accP);
  dBias.set(accV);
}
