/**
 * Kernels and gradients that let the tf.js wasm backend train the CNN2D, and train it fast
 * (docs/tfjs-training.md, "Making wasm train").
 *
 * - `Conv2DBackpropFilter` for wasm, which the stock backend lacks: for a multiple of 8 output channels (the
 *   CNN2D's 32, 64, 128) our blocked WebAssembly kernel (assembly/conv-kernels.ts, in the backend's memory);
 *   otherwise im2col written straight into wasm memory as a [KH*KW*Ci, N*outH*outW] matrix, times dy as
 *   [N*outH*outW, Co], through the backend's own `BatchMatMul` with batch 1 and no transposes (its fast
 *   XNNPACK path).
 * - `Conv2D` for wasm (the training forward pass, no bias) on our kernel for a multiple of 8 output
 *   channels: the same sums in the same order as XNNPACK's, with the packed filter and the patches in cache.
 * - `Conv2DBackpropInput` for wasm, replacing the stock loop: dy [P, Co] times the transposed filter
 *   [Co, KH*KW*Ci] in one XNNPACK product, then a col2im scatter-add (in WebAssembly, same additions); for a
 *   multiple of 8 input channels (conv2, conv3) both in one pass of our kernel (same sums, same order).
 * - `BatchMatMul` for wasm: products with a transposed operand (the dense layers' backward pass) take the
 *   slow blocked loop in the stock kernel, so the operand is transposed first and the fast path used; a
 *   small a times a large transposed b (the dense input gradient) runs as (b a^T)^T instead; a product of
 *   few rows (the dense forward pass) runs on our kernel, which does not pack the weights anew each step
 *   as XNNPACK does when they change, and so do a^T b and a b^T over few rows (the dense weight and input
 *   gradients), without transposing anything first (same sums in the same order).
 * - `Sum` for wasm over the leading axes of a float32 tensor (bias and batch-norm gradients reduce
 *   [N, H, W, C] over N, H, W): a product with a row of ones instead of the stock transpose-then-sum.
 * - `Identity` for wasm shares the data (a reference count, as the stock `Reshape` and the cpu backend's
 *   `Identity` do) instead of copying it: tf.js core clones every tensor a gradient keeps, which copied
 *   each step the conv1 output (10 MB per 16 images) and fc1's kernel (5 MB). No wasm kernel writes into
 *   its inputs, so a shared buffer is never changed under another tensor.
 * - The `FusedBatchNorm` gradient for every backend: tf.js core expands per-channel values with `tile`;
 *   this one broadcasts (same math, a fraction of the memory traffic).
 *
 * Every replacement delegates to the stock kernel for the cases it does not handle (NCHW data, int32,
 * reductions over other axes), so registering them never narrows what the backend can run.
 */
import * as tf from "@tensorflow/tfjs";
// Imported for its side effect: the stock wasm kernels must be registered before we wrap them.
import "@tensorflow/tfjs-backend-wasm";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { convKernelsFor } from "./backend-memory-kernels";

type TensorInfo = tf.TensorInfo;
type KernelFunc = tf.KernelFunc;

let registered = false;

/**
 * Registers the wasm training kernels and the broadcasting batch-norm gradient (see the file comment).
 * Idempotent; safe before or after the wasm backend initialises.
 */
export function registerWasmTrainingKernels(): void {
  if (registered) return;
  registered = true;
  tf.registerKernel({ kernelName: "Conv2DBackpropFilter", backendName: "wasm", kernelFunc: conv2dBackpropFilterWasm as unknown as KernelFunc });
  replaceKernel("Conv2D", (stock) => (args) => conv2dWasm(args, stock));
  replaceKernel("Conv2DBackpropInput", (stock) => (args) => conv2dBackpropInputWasm(args, stock));
  replaceKernel("BatchMatMul", (stock) => (args) => batchMatMulWasm(args, stock));
  replaceKernel("Sum", (stock) => (args) => sumWasm(args, stock));
  replaceKernel("Identity", (stock) => (args) => identityWasm(args, stock));
  tf.registerGradient({ kernelName: "FusedBatchNorm", inputsToSave: ["x", "mean", "variance", "scale"], gradFunc: fusedBatchNormGrad });
}

/** Wraps a stock wasm kernel: the replacement receives the stock function to delegate to. */
function replaceKernel(kernelName: string, make: (stock: KernelFunc) => KernelFunc): void {
  const stock = tf.getKernel(kernelName, "wasm");
  if (stock === undefined) throw new Error(`registerWasmTrainingKernels: the wasm backend has no ${kernelName} kernel to wrap`);
  tf.unregisterKernel(kernelName, "wasm");
  tf.registerKernel({ kernelName, backendName: "wasm", setupFunc: stock.setupFunc, disposeFunc: stock.disposeFunc, kernelFunc: make(stock.kernelFunc) });
}

interface KernelArgs {
  inputs: tf.NamedTensorInfoMap;
  backend: {};
  attrs?: tf.NamedAttrMap;
}

function wasmMatMul(backend: BackendWasm, a: TensorInfo, b: TensorInfo): TensorInfo {
  const mm = tf.getKernel("BatchMatMul", "wasm").kernelFunc;
  return mm({ inputs: { a, b }, backend, attrs: { transposeA: false, transposeB: false } }) as TensorInfo;
}

/** A view of a tensor's data with another shape (same element count); borrows the data. */
function view(t: TensorInfo, shape: number[]): TensorInfo {
  return { dataId: t.dataId, shape, dtype: t.dtype };
}

function f32(backend: BackendWasm, t: TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(t) as Float32Array;
}

/**
 * Runs one of our kernels (assembly/conv-kernels.ts) into a new float32 output of `shape`, with a scratch
 * buffer of `scratchBytes` (none for 0) in the backend's memory, freed after: `kernel` gets the byte offset of
 * any tensor, the output's and the scratch's, all taken after both allocations (growing the memory detaches
 * earlier views).
 */
function runInHeap(wasm: BackendWasm, shape: number[], scratchBytes: number, kernel: (ptr: (t: TensorInfo) => number, out: number, scratch: number) => void): TensorInfo {
  const out = wasm.makeOutput(shape, "float32");
  const scratch = scratchBytes > 0 ? wasm.makeOutput([Math.ceil(scratchBytes / 4)], "float32") : null;
  const ptr = (t: TensorInfo) => f32(wasm, t).byteOffset;
  kernel(ptr, ptr(out), scratch === null ? 0 : ptr(scratch));
  if (scratch !== null) wasm.disposeData(scratch.dataId);
  return out;
}

function convInfoOf(
  xShape: number[],
  filterShape: number[],
  attrs: tf.NamedAttrMap,
): tf.backend_util.Conv2DInfo {
  const dataFormat = tf.backend_util.convertConv2DDataFormat(attrs.dataFormat as "NHWC" | "NCHW");
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides as [number, number],
    1,
    attrs.pad as "same" | "valid" | number,
    attrs.dimRoundingMode as "floor" | "round" | "ceil" | undefined,
    false,
    dataFormat,
  );
}

/**
 * dFilter[kh, kw, ci, co] = sum over n, oh, ow of x[n, oh*sh + kh - top, ow*sw + kw - left, ci] * dy[n, oh, ow, co].
 * NHWC only (the layers API never sends anything else).
 */
function conv2dBackpropFilterWasm({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const wasm = backend as BackendWasm;
  const x = inputs.x as TensorInfo;
  const dy = inputs.dy as TensorInfo;
  const a = attrs ?? {};
  if (a.dataFormat !== undefined && a.dataFormat !== "NHWC") throw new Error(`Conv2DBackpropFilter (wasm): only NHWC is supported, got ${a.dataFormat}`);
  if (x.dtype !== "float32" || dy.dtype !== "float32") throw new Error("Conv2DBackpropFilter (wasm): float32 inputs required");
  const filterShape = a.filterShape as number[];
  const info = convInfoOf(x.shape, filterShape, a);
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outHeight: oh, outWidth: ow, outChannels: co } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  if (dy.shape[0] !== n || dy.shape[1] !== oh || dy.shape[2] !== ow || dy.shape[3] !== co) {
    throw new Error(`Conv2DBackpropFilter (wasm): dy shape ${dy.shape} does not match [${n}, ${oh}, ${ow}, ${co}]`);
  }
  const k = kh * kw * ci;
  const p = n * oh * ow;
  const fast = co % 8 === 0 ? convKernelsFor(f32(wasm, x).buffer) : null;
  if (fast !== null) {
    // The blocked WebAssembly kernel (assembly/conv-kernels.ts); tf.js keeps x and dy in the same memory.
    const { top, left } = info.padInfo;
    const scratchBytes = fast.filterGradientScratchBytes(n, h, w, ci, oh, ow, co, kh, kw, sh, sw, top, left);
    return runInHeap(wasm, filterShape.slice(), scratchBytes, (ptr, out, scratch) => {
      fast.filterGradient(ptr(x), n, h, w, ci, ptr(dy), oh, ow, co, kh, kw, sh, sw, top, left, out, scratch);
    });
  }
  const cols = wasm.makeOutput([1, k, p], "float32");
  // Views only after the last allocation: growing the wasm memory detaches earlier views.
  const xv = f32(wasm, x);
  const cv = f32(wasm, cols);
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  for (let fy = 0; fy < kh; fy++) {
    for (let fx = 0; fx < kw; fx++) {
      // Output columns whose input column lies inside the image for this filter column.
      const owStart = Math.min(ow, Math.max(0, Math.ceil((left - fx) / sw)));
      const owEnd = Math.max(owStart, Math.min(ow, Math.floor((w - 1 + left - fx) / sw) + 1));
      for (let c = 0; c < ci; c++) {
        let q = ((fy * kw + fx) * ci + c) * p;
        for (let b = 0; b < n; b++) {
          for (let y = 0; y < oh; y++) {
            const iy = y * sh + fy - top;
            if (iy < 0 || iy >= h) {
              cv.fill(0, q, q + ow);
              q += ow;
              continue;
            }
            const rowBase = (b * h + iy) * w * ci + c + (fx - left) * ci;
            const step = sw * ci;
            for (let o = 0; o < owStart; o++) cv[q + o] = 0;
            for (let o = owStart; o < owEnd; o++) cv[q + o] = xv[rowBase + o * step];
            for (let o = owEnd; o < ow; o++) cv[q + o] = 0;
            q += ow;
          }
        }
      }
    }
  }
  const out = wasmMatMul(wasm, cols, view(dy, [1, p, co]));
  wasm.disposeData(cols.dataId);
  out.shape = filterShape.slice();
  return out;
}

/**
 * Conv2D (no bias: the training forward pass) on our kernel for a multiple of 8 output channels
 * (assembly/conv-kernels.ts, convForward: XNNPACK's sums in XNNPACK's order, reading the receptive fields
 * where they are while a packed filter strip stays in cache); the stock XNNPACK kernel otherwise.
 */
function conv2dWasm(args: KernelArgs, stock: KernelFunc): TensorInfo | TensorInfo[] {
  const { inputs, backend, attrs } = args;
  const a = attrs ?? {};
  const x = inputs.x as TensorInfo;
  const filter = inputs.filter as TensorInfo;
  const dilations = a.dilations === undefined ? [1, 1] : ([] as number[]).concat(a.dilations as number | number[]);
  if ((a.dataFormat !== undefined && a.dataFormat !== "NHWC") || x.dtype !== "float32" || filter.dtype !== "float32" || dilations.some((d) => d !== 1)) return stock(args);
  const wasm = backend as BackendWasm;
  const info = convInfoOf(x.shape, filter.shape, a);
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outHeight: oh, outWidth: ow, outChannels: co } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const fast = co % 8 === 0 && n * oh * ow > 0 ? convKernelsFor(f32(wasm, x).buffer) : null;
  if (fast === null) return stock(args);
  const { top, left } = info.padInfo;
  const scratchBytes = fast.convForwardScratchBytes(n, h, w, ci, oh, ow, co, kh, kw, sh, sw, top, left);
  return runInHeap(wasm, info.outShape.slice(), scratchBytes, (ptr, out, scratch) => {
    fast.convForward(ptr(x), n, h, w, ci, ptr(filter), oh, ow, co, kh, kw, sh, sw, top, left, out, scratch);
  });
}

/** dx = col2im(dy [P, Co] x filter^T [Co, KH*KW*Ci]); delegates NCHW to the stock kernel. */
function conv2dBackpropInputWasm(args: KernelArgs, stock: KernelFunc): TensorInfo | TensorInfo[] {
  const { inputs, backend, attrs } = args;
  const a = attrs ?? {};
  const dy = inputs.dy as TensorInfo;
  const filter = inputs.filter as TensorInfo;
  if ((a.dataFormat !== undefined && a.dataFormat !== "NHWC") || dy.dtype !== "float32" || filter.dtype !== "float32") return stock(args);
  const wasm = backend as BackendWasm;
  const inputShape = a.inputShape as number[];
  const info = convInfoOf(inputShape, filter.shape, a);
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outHeight: oh, outWidth: ow, outChannels: co } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const k = kh * kw * ci;
  const p = n * oh * ow;
  const fused = ci % 8 === 0 ? convKernelsFor(f32(wasm, filter).buffer) : null;
  if (fused !== null) {
    // Product and col2im in one pass (assembly/conv-kernels.ts, inputGradient): same sums, same order.
    const { top, left } = info.padInfo;
    return runInHeap(wasm, inputShape.slice(), fused.blockedScratchBytes(k, co), (ptr, dx, scratch) => {
      fused.inputGradient(ptr(dy), n, oh, ow, co, ptr(filter), h, w, ci, kh, kw, sh, sw, top, left, dx, scratch);
    });
  }
  const transpose = tf.getKernel("Transpose", "wasm").kernelFunc;
  const filterT = transpose({ inputs: { x: view(filter, [k, co]) }, backend, attrs: { perm: [1, 0] } }) as TensorInfo;
  const cols = wasmMatMul(wasm, view(dy, [1, p, co]), view(filterT, [1, co, k]));
  wasm.disposeData(filterT.dataId);
  const dx = wasm.makeOutput(inputShape.slice(), "float32");
  const cv = f32(wasm, cols);
  const dv = f32(wasm, dx);
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const fast = convKernelsFor(cv.buffer);
  if (fast !== null) {
    // The same loop in WebAssembly (assembly/conv-kernels.ts), four channels per f32x4 addition.
    fast.col2im(cv.byteOffset, n, h, w, ci, oh, ow, kh, kw, sh, sw, top, left, dv.byteOffset);
    wasm.disposeData(cols.dataId);
    return dx;
  }
  dv.fill(0);
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < oh; y++) {
      for (let x = 0; x < ow; x++) {
        const colRow = ((b * oh + y) * ow + x) * k;
        for (let fy = 0; fy < kh; fy++) {
          const iy = y * sh + fy - top;
          if (iy < 0 || iy >= h) continue;
          for (let fx = 0; fx < kw; fx++) {
            const ix = x * sw + fx - left;
            if (ix < 0 || ix >= w) continue;
            const d = ((b * h + iy) * w + ix) * ci;
            const s = colRow + (fy * kw + fx) * ci;
            for (let c = 0; c < ci; c++) dv[d + c] += cv[s + c];
          }
        }
      }
    }
  }
  wasm.disposeData(cols.dataId);
  return dx;
}

/**
 * A product over few rows runs on our kernels (`fewRowsProduct`); otherwise the operand(s) are transposed
 * first when a transpose is asked for, so XNNPACK's fast path runs.
 */
function batchMatMulWasm(args: KernelArgs, stock: KernelFunc): TensorInfo | TensorInfo[] {
  const { inputs, backend, attrs } = args;
  const a = inputs.a as TensorInfo;
  const b = inputs.b as TensorInfo;
  const transposeA = Boolean(attrs?.transposeA);
  const transposeB = Boolean(attrs?.transposeB);
  const batchA = a.shape.slice(0, -2).reduce((s, d) => s * d, 1);
  const batchB = b.shape.slice(0, -2).reduce((s, d) => s * d, 1);
  if (batchA !== 1 || batchB !== 1 || a.dtype !== "float32" || b.dtype !== "float32") return stock(args);
  // With b transposed, only when b is the large operand (a layer's weights, the dense input gradient).
  const largeB = sizeOf(b.shape) > 4 * sizeOf(a.shape);
  const few = !transposeB || largeB ? fewRowsProduct(args, transposeA, transposeB) : null;
  if (few !== null) return few;
  if (!transposeA && !transposeB) return stock(args);
  const transpose = tf.getKernel("Transpose", "wasm").kernelFunc;
  if (transposeB && !transposeA && largeB) return viaTransposedProduct(args, transpose);
  const flip = (t: TensorInfo): TensorInfo => {
    const r = t.shape[t.shape.length - 2];
    const c = t.shape[t.shape.length - 1];
    const out = transpose({ inputs: { x: view(t, [r, c]) }, backend, attrs: { perm: [1, 0] } }) as TensorInfo;
    out.shape = [1, c, r];
    return out;
  };
  const a2 = transposeA ? flip(a) : view(a, [1, a.shape[a.shape.length - 2], a.shape[a.shape.length - 1]]);
  const b2 = transposeB ? flip(b) : view(b, [1, b.shape[b.shape.length - 2], b.shape[b.shape.length - 1]]);
  const out = stock({ inputs: { a: a2, b: b2 }, backend, attrs: { transposeA: false, transposeB: false } }) as TensorInfo;
  const wasm = backend as BackendWasm;
  if (transposeA) wasm.disposeData(a2.dataId);
  if (transposeB) wasm.disposeData(b2.dataId);
  const outer = tf.backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  out.shape = outer.concat(out.shape.slice(-2));
  return out;
}

const sizeOf = (shape: number[]): number => shape.reduce((p, d) => p * d, 1);

/** Rows of a batch up to which `fewRowsProduct` takes a product: a batch of images, not of pixels. */
const FEW_ROWS = 64;

/**
 * The dense layers' products over a batch of few rows with our kernels (assembly/conv-kernels.ts), each
 * output summing its products one after another from 0 in float32 as XNNPACK's product does, so the bytes
 * are the same; null for any other product (N is not a multiple of 8 where asked, more rows, a mismatch):
 * - no transposes, a [M, K] b [K, N] (the forward pass): matMulFewRows, without packing b, which XNNPACK
 *   redoes whenever b's data change, every step for a layer's weights;
 * - transposeA, a [M, K] b [M, N] (the weight gradient x^T dy): matMulTransposedA, a read in place;
 * - transposeB, a [M, K] b [N, K] (the input gradient dy W^T): matMulTransposedB, without the two transposes
 *   of `viaTransposedProduct`.
 */
function fewRowsProduct(args: KernelArgs, transposeA: boolean, transposeB: boolean): TensorInfo | null {
  const { inputs, backend } = args;
  const wasm = backend as BackendWasm;
  const a = inputs.a as TensorInfo;
  const b = inputs.b as TensorInfo;
  const [m, k] = a.shape.slice(-2);
  const [bRows, bCols] = b.shape.slice(-2);
  const [rows, inner, n] = transposeA ? [k, m, bCols] : transposeB ? [m, k, bRows] : [m, k, bCols];
  const matches = transposeA ? bRows === m : transposeB ? bCols === k : bRows === k;
  if ((transposeA && transposeB) || m > FEW_ROWS || !matches || (!transposeB && n % 8 !== 0) || rows * inner * n === 0) return null;
  const fast = convKernelsFor(f32(wasm, a).buffer);
  if (fast === null) return null;
  const outer = tf.backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  return runInHeap(wasm, outer.concat([rows, n]), transposeB ? fast.matMulTransposedBScratchBytes(m, k) : 0, (ptr, out, scratch) => {
    if (transposeA) fast.matMulTransposedA(ptr(a), m, k, ptr(b), n, out);
    else if (transposeB) fast.matMulTransposedB(ptr(a), m, k, ptr(b), n, out, scratch);
    else fast.matMulFewRows(ptr(a), m, k, ptr(b), n, out);
  });
}

/**
 * a [M, K] times b^T for a large b [N, K] (the dense layers' input gradient, dy times the kernel transposed):
 * computed as (b a^T)^T, so that only the small a and the [N, M] result are transposed, not the 1.2 M
 * values of fc1's kernel, which XNNPACK would then also pack on every step.
 */
function viaTransposedProduct(args: KernelArgs, transpose: KernelFunc): TensorInfo {
  const { inputs, backend } = args;
  const wasm = backend as BackendWasm;
  const a = inputs.a as TensorInfo;
  const b = inputs.b as TensorInfo;
  const [m, k] = a.shape.slice(-2);
  const n = b.shape[b.shape.length - 2];
  const aT = transpose({ inputs: { x: view(a, [m, k]) }, backend, attrs: { perm: [1, 0] } }) as TensorInfo;
  const product = wasmMatMul(wasm, view(b, [1, n, k]), view(aT, [1, k, m]));
  wasm.disposeData(aT.dataId);
  const out = transpose({ inputs: { x: view(product, [n, m]) }, backend, attrs: { perm: [1, 0] } }) as TensorInfo;
  wasm.disposeData(product.dataId);
  const outer = tf.backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  out.shape = outer.concat([m, n]);
  return out;
}

/** Sum over the leading axes [0, k) of a float32 tensor as ones [1, R] x x [R, C]; else the stock kernel. */
function sumWasm(args: KernelArgs, stock: KernelFunc): TensorInfo | TensorInfo[] {
  const { inputs, backend, attrs } = args;
  const x = inputs.x as TensorInfo;
  const axes = tf.util.parseAxisParam(attrs?.axis as number | number[], x.shape).slice().sort((p, q) => p - q);
  const leading = axes.length > 0 && axes.length < x.shape.length && axes.every((ax, i) => ax === i);
  if (!leading || x.dtype !== "float32") return stock(args);
  const r = x.shape.slice(0, axes.length).reduce((s, d) => s * d, 1);
  const kept = x.shape.slice(axes.length);
  const c = kept.reduce((s, d) => s * d, 1);
  if (r < 64 || r * c === 0) return stock(args); // small sums: the stock kernel is as good
  const wasm = backend as BackendWasm;
  const ones = wasm.makeOutput([1, 1, r], "float32");
  f32(wasm, ones).fill(1);
  const out = wasmMatMul(wasm, ones, view(x, [1, r, c]));
  wasm.disposeData(ones.dataId);
  out.shape = attrs?.keepDims ? x.shape.map((d, i) => (i < axes.length ? 1 : d)) : kept;
  return out;
}

/** Identity as a second reference to the same data (see the file comment); strings as the stock kernel. */
function identityWasm(args: KernelArgs, stock: KernelFunc): TensorInfo | TensorInfo[] {
  const x = args.inputs.x as TensorInfo;
  if (x.dtype === "string") return stock(args);
  (args.backend as BackendWasm).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape.slice(), dtype: x.dtype };
}

/**
 * Gradient of FusedBatchNorm (y = scale * (x - mean) / sqrt(variance + eps) + offset) that broadcasts the
 * per-channel factors instead of tiling them. Same terms as tf.js core's gradient.
 */
function fusedBatchNormGrad(dyIn: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap): Record<string, () => tf.Tensor> {
  const dy = Array.isArray(dyIn) ? dyIn[0] : dyIn;
  const [x, mean, variance, scale] = saved;
  const eps = attrs.varianceEpsilon as number;
  const axes = tf.backend_util.getReductionAxes(mean.shape, x.shape);
  const reduce = (t: tf.Tensor): tf.Tensor => (axes.length > 0 ? tf.sum(t, axes) : t).reshape(mean.shape);
  const rstd = (): tf.Tensor => tf.rsqrt(tf.add(variance, eps));
  const scaled = (): tf.Tensor => (scale == null ? rstd() : tf.mul(rstd(), scale));
  const dyCentred = (): tf.Tensor => reduce(tf.mul(dy, tf.sub(x, mean)));
  return {
    x: () => tf.mul(dy, scaled()),
    mean: () => tf.neg(tf.mul(reduce(dy), scaled())),
    variance: () => {
      const r = rstd();
      const g = tf.mul(dyCentred(), tf.mul(tf.mul(r, tf.mul(r, r)), -0.5));
      return scale == null ? g : tf.mul(g, scale);
    },
    scale: () => tf.mul(dyCentred(), rstd()),
    offset: () => reduce(dy),
  };
}
