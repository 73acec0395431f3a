import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { onBackend, randomFloats, relativeError, useBackend } from "./compare";

type Pad = "same" | "valid" | number | [[number, number], [number, number], [number, number], [number, number]];
interface ConvCase {
  name: string;
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: number;
  pad: Pad;
}

// Small versions of the CNN2D's layers, including the stride-2 layer with PyTorch-style padding 1.
const CASES: ConvCase[] = [
  { name: "3x3 stride 1 same (conv1, conv3)", x: [2, 7, 11, 3], filter: [3, 3, 3, 4], strides: 1, pad: "same" },
  { name: "3x3 stride 2 pad 1 (conv2)", x: [2, 8, 10, 5], filter: [3, 3, 5, 6], strides: 2, pad: 1 },
  { name: "3x3 stride 2 explicit pad, odd sizes", x: [1, 9, 13, 2], filter: [3, 3, 2, 3], strides: 2, pad: [[0, 0], [1, 1], [1, 1], [0, 0]] },
  { name: "3x3 stride 2 valid", x: [3, 9, 9, 2], filter: [3, 3, 2, 2], strides: 2, pad: "valid" },
  // Output channels a multiple of 8: the filter gradient runs the WebAssembly kernel (assembly/conv-kernels.ts),
  // here over more pixels than one of its blocks of 128 (154 and 270).
  { name: "3x3 stride 1 same, 8 filters (WebAssembly filter gradient)", x: [2, 7, 11, 3], filter: [3, 3, 3, 8], strides: 1, pad: "same" },
  { name: "3x3 stride 2 pad 1, 16 filters (WebAssembly filter gradient)", x: [3, 12, 30, 5], filter: [3, 3, 5, 16], strides: 2, pad: 1 },
  // Input channels a multiple of 8: the input gradient runs the fused WebAssembly kernel, over a number of
  // output pixels that leaves a remainder after its tiles of 4 (90 and 35).
  { name: "3x3 stride 2 pad 1, 8 input channels (WebAssembly input gradient)", x: [3, 9, 11, 8], filter: [3, 3, 8, 6], strides: 2, pad: 1 },
  { name: "3x3 stride 1 same, 16 input channels (WebAssembly input gradient)", x: [1, 5, 7, 16], filter: [3, 3, 16, 8], strides: 1, pad: "same" },
  // Conv1's and conv2's geometry with 16 filters: the forward kernel over blocks of 32 pixels and a remainder.
  { name: "3x3 stride 1 same, 3 channels, 16 filters (WebAssembly forward)", x: [2, 9, 13, 3], filter: [3, 3, 3, 16], strides: 1, pad: "same" },
  { name: "3x3 stride 2 pad 1, 8 channels, 16 filters (WebAssembly forward)", x: [2, 10, 13, 8], filter: [3, 3, 8, 16], strides: 2, pad: 1 },
  // Receptive fields inside the image (no padded copy: the kernels read x itself, whose last row and column
  // no output uses), and output rows longer than a block of the filter gradient (one row per block).
  { name: "3x3 stride 2 valid, 8 filters, unused last row and column (WebAssembly forward and filter gradient)", x: [2, 10, 12, 4], filter: [3, 3, 4, 8], strides: 2, pad: "valid" },
  { name: "3x3 stride 1 same, 140 columns, 8 filters (WebAssembly forward and filter gradient)", x: [2, 3, 140, 3], filter: [3, 3, 3, 8], strides: 1, pad: "same" },
];

function outShape(c: ConvCase): [number, number, number, number] {
  const info = tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, 1, c.pad as "same");
  return [c.x[0], info.outHeight, info.outWidth, c.filter[3]];
}

const LIMIT = 1e-5;

/**
 * The rows of `values` (row-major, `cols` wide) followed by zero rows up to 65, one more than the dense
 * products' kernels take, so that the product runs on XNNPACK: the reference for their bytes.
 */
function beyondFewRows(values: Float32Array, cols: number): tf.Tensor2D {
  const tall = new Float32Array(65 * cols);
  tall.set(values);
  return tf.tensor2d(tall, [65, cols]);
}

/**
 * A product as a plain loop, the bytes XNNPACK's products and ours must give: out [rows, cols] with
 * out[i][j] = x(i, 0) * y(0, j) + x(i, 1) * y(1, j) + ..., summed from 0 one product after another in float32.
 */
function productLoop(rows: number, inner: number, cols: number, x: (i: number, r: number) => number, y: (r: number, j: number) => number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      let acc = 0;
      for (let r = 0; r < inner; r++) acc = Math.fround(acc + Math.fround(x(i, r) * y(r, j)));
      out[i * cols + j] = acc;
    }
  }
  return out;
}

/** The Conv2DBackpropFilter kernel of the current backend on case `c`'s shapes. */
function filterGradient(c: ConvCase, x: Float32Array, dy: Float32Array): tf.Tensor {
  return tf.engine().runKernel("Conv2DBackpropFilter", { x: tf.tensor4d(x, c.x), dy: tf.tensor4d(dy, outShape(c)) }, {
    strides: c.strides,
    pad: c.pad,
    dataFormat: "NHWC",
    filterShape: c.filter,
  } as unknown as tf.NamedAttrMap) as tf.Tensor;
}

for (const c of CASES) {
  test(`Conv2DBackpropFilter on wasm agrees with cpu: ${c.name}`, async () => {
    const dyShape = outShape(c);
    const x = randomFloats(c.x.reduce((a, b) => a * b), 1);
    const dy = randomFloats(dyShape.reduce((a, b) => a * b), 2);
    const run = () => [filterGradient(c, x, dy)];
    const [wasm] = await onBackend("wasm", run);
    const [cpu] = await onBackend("cpu", run);
    assert.ok(relativeError(wasm, cpu) < LIMIT, `relative error ${relativeError(wasm, cpu)}`);
  });

  test(`Conv2DBackpropInput on wasm agrees with cpu: ${c.name}`, async () => {
    const dyShape = outShape(c);
    const w = randomFloats(c.filter.reduce((a, b) => a * b), 3);
    const dy = randomFloats(dyShape.reduce((a, b) => a * b), 4);
    const run = () => [
      tf.engine().runKernel("Conv2DBackpropInput", { dy: tf.tensor4d(dy, dyShape), filter: tf.tensor4d(w, c.filter) }, {
        strides: c.strides,
        pad: c.pad,
        dataFormat: "NHWC",
        inputShape: c.x,
      } as unknown as tf.NamedAttrMap) as tf.Tensor,
    ];
    const [wasm] = await onBackend("wasm", run);
    const [cpu] = await onBackend("cpu", run);
    assert.ok(relativeError(wasm, cpu) < LIMIT, `relative error ${relativeError(wasm, cpu)}`);
  });
}

test("BatchMatMul with transposed operands on wasm agrees with cpu", async () => {
  const a = randomFloats(5 * 7, 5);
  const b = randomFloats(7 * 3, 6);
  for (const [tA, tB] of [
    [true, false],
    [false, true],
    [true, true],
  ]) {
    const run = () => [tf.matMul(tf.tensor2d(a, tA ? [7, 5] : [5, 7]), tf.tensor2d(b, tB ? [3, 7] : [7, 3]), tA, tB)];
    const [wasm] = await onBackend("wasm", run);
    const [cpu] = await onBackend("cpu", run);
    assert.equal(wasm.length, 15);
    assert.ok(relativeError(wasm, cpu) < LIMIT, `transposeA ${tA} transposeB ${tB}: ${relativeError(wasm, cpu)}`);
  }
});

test("BatchMatMul of few rows and a large transposed b (the dense input gradient) on wasm gives the bytes of XNNPACK's (b a^T)^T and of a float32 loop", async () => {
  // n with a remainder after the kernel's tiles of 4; m below, at and above a strip of 8 rows.
  const [k, n] = [37, 301];
  const b = randomFloats(n * k, 50);
  for (const m of [1, 8, 13]) {
    const a = randomFloats(m * k, 60 + m);
    // Beyond 64 rows of a the product runs as XNNPACK's (b a^T)^T; each row of the result is a's row's own.
    const [ours, stock] = await onBackend("wasm", () => [
      tf.matMul(tf.tensor2d(a, [m, k]), tf.tensor2d(b, [n, k]), false, true),
      tf.matMul(beyondFewRows(a, k), tf.tensor2d(b, [n, k]), false, true).slice([0, 0], [m, n]),
    ]);
    assert.deepEqual(new Uint8Array(ours.buffer), new Uint8Array(stock.buffer), `${m} rows against XNNPACK`);
    const loop = productLoop(m, k, n, (i, c) => a[i * k + c], (c, q) => b[q * k + c]);
    assert.deepEqual(new Uint8Array(ours.buffer), new Uint8Array(loop.buffer), `${m} rows`);
  }
});

test("BatchMatMul of a small a and a large transposed b (the dense input gradient) on wasm agrees with cpu", async () => {
  // a [4, 6] times b^T with b [50, 6]: computed as (b a^T)^T on wasm.
  const a = randomFloats(4 * 6, 7);
  const b = randomFloats(50 * 6, 8);
  const run = () => [tf.matMul(tf.tensor2d(a, [4, 6]), tf.tensor2d(b, [50, 6]), false, true)];
  const [wasm] = await onBackend("wasm", run);
  const [cpu] = await onBackend("cpu", run);
  assert.equal(wasm.length, 200);
  assert.ok(relativeError(wasm, cpu) < LIMIT, `relative error ${relativeError(wasm, cpu)}`);
});

test("BatchMatMul of few rows (the dense forward pass) on wasm gives the bytes of XNNPACK's product and of a float32 loop", async () => {
  // k beyond one block of the kernel's reduction (256), rows in tiles of 4 and a remainder.
  const [k, n] = [700, 24];
  const b = randomFloats(k * n, 9);
  for (const m of [1, 6, 32]) {
    const a = randomFloats(m * k, 10 + m);
    // Beyond 64 rows the stock XNNPACK product runs; each of its rows is computed on its own.
    const [ours, stock] = await onBackend("wasm", () => [
      tf.matMul(tf.tensor2d(a, [m, k]), tf.tensor2d(b, [k, n])),
      tf.matMul(beyondFewRows(a, k), tf.tensor2d(b, [k, n])).slice([0, 0], [m, n]),
    ]);
    const loop = productLoop(m, k, n, (i, r) => a[i * k + r], (r, j) => b[r * n + j]);
    assert.deepEqual(new Uint8Array(ours.buffer), new Uint8Array(stock.buffer), `${m} rows against XNNPACK`);
    assert.deepEqual(new Uint8Array(ours.buffer), new Uint8Array(loop.buffer), `${m} rows against the loop`);
  }
});

test("BatchMatMul of a transposed a over few rows (the dense weight gradient) on wasm gives the bytes of XNNPACK's product and of a float32 loop", async () => {
  // k with a remainder after the kernel's tiles of 4 rows.
  const [k, n] = [23, 16];
  for (const m of [1, 5, 32]) {
    const a = randomFloats(m * k, 30 + m);
    const b = randomFloats(m * n, 40 + m);
    // Beyond 64 rows the transposed a is multiplied by XNNPACK; zero rows add zero products at the end.
    const [ours, stock] = await onBackend("wasm", () => [
      tf.matMul(tf.tensor2d(a, [m, k]), tf.tensor2d(b, [m, n]), true, false),
      tf.matMul(beyondFewRows(a, k), beyondFewRows(b, n), true, false),
    ]);
    const loop = productLoop(k, m, n, (q, i) => a[i * k + q], (i, j) => b[i * n + j]);
    assert.deepEqual(new Uint8Array(ours.buffer), new Uint8Array(loop.buffer), `${m} rows against the loop`);
    assert.deepEqual(new Uint8Array(stock.buffer), new Uint8Array(loop.buffer), `XNNPACK over ${m} rows and zeros against the loop`);
  }
});

test("Sum over leading axes on wasm agrees with cpu (and other axes still work)", async () => {
  const x = randomFloats(4 * 10 * 6 * 5, 7);
  for (const [axes, keepDims] of [
    [[0, 1, 2], false],
    [[0, 1, 2], true],
    [[0, 1], false],
    [[0], false],
    [[1, 2], false],
    [[3], true],
  ] as [number[], boolean][]) {
    const run = () => [tf.sum(tf.tensor4d(x, [4, 10, 6, 5]), axes, keepDims)];
    const [wasm] = await onBackend("wasm", run);
    const [cpu] = await onBackend("cpu", run);
    assert.ok(relativeError(wasm, cpu) < LIMIT, `axes ${axes}: ${relativeError(wasm, cpu)}`);
  }
});

test("FusedBatchNorm gradient (broadcasting) matches autodiff of the explicit formula, on wasm and cpu", async () => {
  const shape: [number, number, number, number] = [3, 4, 5, 6];
  const x = randomFloats(360, 8);
  const mean = randomFloats(6, 9);
  const variance = randomFloats(6, 10, 0.5, 2);
  const scale = randomFloats(6, 11, 0.5, 1.5);
  const offset = randomFloats(6, 12);
  const weights = randomFloats(360, 13);
  const eps = 1e-3;
  const grads = (fused: boolean) => () => {
    const args = [tf.tensor4d(x, shape), tf.tensor1d(mean), tf.tensor1d(variance), tf.tensor1d(offset), tf.tensor1d(scale)];
    const f = (xt: tf.Tensor, m: tf.Tensor, v: tf.Tensor, o: tf.Tensor, s: tf.Tensor) => {
      const y = fused ? tf.batchNorm(xt as tf.Tensor4D, m as tf.Tensor1D, v as tf.Tensor1D, o as tf.Tensor1D, s as tf.Tensor1D, eps) : tf.add(tf.mul(tf.mul(tf.sub(xt, m), tf.rsqrt(tf.add(v, eps))), s), o);
      return tf.sum(tf.mul(y, tf.tensor4d(weights, shape)));
    };
    return tf.grads(f as (...a: tf.Tensor[]) => tf.Tensor)(args);
  };
  for (const backend of ["wasm", "cpu"] as const) {
    const fused = await onBackend(backend, grads(true));
    const explicit = await onBackend(backend, grads(false));
    fused.forEach((g, i) => assert.ok(relativeError(g, explicit[i]) < LIMIT, `${backend}, input ${i}: ${relativeError(g, explicit[i])}`));
  }
});

test("the wasm kernels free their intermediate buffers", async () => {
  await useBackend("wasm");
  const backend = tf.engine().backend;
  const c = CASES[1];
  const fusedCase = CASES.find((k) => k.name.includes("WebAssembly input gradient")) as ConvCase;
  const dyShape = outShape(c);
  const x = tf.tensor4d(randomFloats(c.x.reduce((a, b) => a * b), 1), c.x);
  const dy = tf.tensor4d(randomFloats(dyShape.reduce((a, b) => a * b), 2), dyShape);
  const w = tf.tensor4d(randomFloats(c.filter.reduce((a, b) => a * b), 3), c.filter);
  const once = () =>
    tf.tidy(() => {
      tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, { strides: 2, pad: 1, dataFormat: "NHWC", filterShape: c.filter } as unknown as tf.NamedAttrMap);
      tf.engine().runKernel("Conv2DBackpropInput", { dy, filter: w }, { strides: 2, pad: 1, dataFormat: "NHWC", inputShape: c.x } as unknown as tf.NamedAttrMap);
      tf.matMul(tf.reshape(x, [2, -1]), tf.reshape(x, [2, -1]), false, true);
      tf.sum(x, [0, 1, 2]);
      tf.matMul(tf.reshape(x, [2, -1]), tf.ones([x.size / 2, 8]));
      tf.engine().runKernel("Conv2DBackpropInput", { dy: tf.ones(outShape(fusedCase)), filter: tf.ones(fusedCase.filter) }, { strides: fusedCase.strides, pad: fusedCase.pad, dataFormat: "NHWC", inputShape: fusedCase.x } as unknown as tf.NamedAttrMap);
    });
  once();
  const tensors = tf.memory().numTensors;
  const dataIds = backend.numDataIds();
  for (let i = 0; i < 3; i++) once();
  assert.equal(tf.memory().numTensors, tensors);
  assert.equal(backend.numDataIds(), dataIds);
  tf.dispose([x, dy, w]);
});

/** dFilter as a plain loop adding the pixels one after another in float32: the bytes the kernel must give. */
function filterGradientLoop(c: ConvCase, x: Float32Array, dy: Float32Array): Float32Array {
  const info = tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, 1, c.pad as "same");
  const [n, h, w, ci] = c.x;
  const [kh, kw, , co] = c.filter;
  const { outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = info;
  const { top, left } = info.padInfo;
  const f = Math.fround;
  const out = new Float32Array(kh * kw * ci * co);
  for (let fy = 0; fy < kh; fy++) {
    for (let fx = 0; fx < kw; fx++) {
      for (let k = 0; k < ci; k++) {
        for (let o = 0; o < co; o++) {
          let acc = 0;
          for (let b = 0; b < n; b++) {
            for (let y = 0; y < oh; y++) {
              for (let xx = 0; xx < ow; xx++) {
                const iy = y * sh + fy - top;
                const ix = xx * sw + fx - left;
                const xv = iy < 0 || iy >= h || ix < 0 || ix >= w ? 0 : x[((b * h + iy) * w + ix) * ci + k];
                acc = f(acc + f(xv * dy[((b * oh + y) * ow + xx) * co + o]));
              }
            }
          }
          out[((fy * kw + fx) * ci + k) * co + o] = acc;
        }
      }
    }
  }
  return out;
}

// The kernel reads x in place or a zero-padded copy: conv1's layout (3 channels, stride 1, rows of one
// block and rows longer than a block) and conv2's (stride 2, padding 1, and a valid convolution).
for (const c of CASES.filter((k) => k.name.includes("filter gradient)"))) {
  test(`the WebAssembly filter gradient adds the pixels one after another in float32 (bytes of a plain loop): ${c.name}`, async () => {
    const dyShape = outShape(c);
    const x = randomFloats(c.x.reduce((a, b) => a * b), 3);
    const dy = randomFloats(dyShape.reduce((a, b) => a * b), 4);
    const [wasm] = await onBackend("wasm", () => [filterGradient(c, x, dy)]);
    assert.deepEqual(new Uint8Array(wasm.buffer), new Uint8Array(filterGradientLoop(c, x, dy).buffer));
  });
}

/**
 * dx as XNNPACK's product dy [P, Co] x filter^T [Co, K] (each value summing its Co products one after another
 * from 0 in float32) followed by the col2im scatter-add in pixel order: the bytes the fused kernel must give.
 */
function inputGradientLoop(c: ConvCase, dy: Float32Array, filter: Float32Array): Float32Array {
  const info = tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, 1, c.pad as "same");
  const [n, h, w, ci] = c.x;
  const [kh, kw, , co] = c.filter;
  const { outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = info;
  const { top, left } = info.padInfo;
  const k = kh * kw * ci;
  const dx = new Float32Array(n * h * w * ci);
  for (let p = 0; p < n * oh * ow; p++) {
    const b = Math.floor(p / (oh * ow));
    const y = Math.floor((p % (oh * ow)) / ow);
    const x = p % ow;
    for (let j = 0; j < k; j++) {
      let col = 0;
      for (let o = 0; o < co; o++) col = Math.fround(col + Math.fround(dy[p * co + o] * filter[j * co + o]));
      const fy = Math.floor(j / (kw * ci));
      const fx = Math.floor((j % (kw * ci)) / ci);
      const iy = y * sh + fy - top;
      const ix = x * sw + fx - left;
      if (iy >= 0 && iy < h && ix >= 0 && ix < w) dx[((b * h + iy) * w + ix) * ci + (j % ci)] += col;
    }
  }
  return dx;
}

// The fused kernel (8 and 16 input channels) and the product-then-col2im path (the other cases) alike.
for (const c of CASES) {
  test(`the wasm input gradient gives the bytes of XNNPACK's product then col2im: ${c.name}`, async () => {
    const dyShape = outShape(c);
    const filter = randomFloats(c.filter.reduce((a, b) => a * b), 5);
    const dy = randomFloats(dyShape.reduce((a, b) => a * b), 6);
    const [wasm] = await onBackend("wasm", () => [
      tf.engine().runKernel("Conv2DBackpropInput", { dy: tf.tensor4d(dy, dyShape), filter: tf.tensor4d(filter, c.filter) }, {
        strides: c.strides,
        pad: c.pad,
        dataFormat: "NHWC",
        inputShape: c.x,
      } as unknown as tf.NamedAttrMap) as tf.Tensor,
    ]);
    assert.deepEqual(new Uint8Array(wasm.buffer), new Uint8Array(inputGradientLoop(c, dy, filter).buffer));
  });
}

/** A convolution as a plain loop: each output sums its products from 0 in (fy, fx, ci) order in float32. */
function convLoop(c: ConvCase, x: Float32Array, filter: Float32Array): Float32Array {
  const info = tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, 1, c.pad as "same");
  const [n, h, w, ci] = c.x;
  const [kh, kw, , co] = c.filter;
  const { outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = info;
  const { top, left } = info.padInfo;
  const out = new Float32Array(n * oh * ow * co);
  for (let p = 0; p < n * oh * ow; p++) {
    const b = Math.floor(p / (oh * ow));
    const y = Math.floor((p % (oh * ow)) / ow);
    const xx = p % ow;
    for (let o = 0; o < co; o++) {
      let acc = 0;
      for (let fy = 0; fy < kh; fy++) {
        for (let fx = 0; fx < kw; fx++) {
          const iy = y * sh + fy - top;
          const ix = xx * sw + fx - left;
          if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
          for (let q = 0; q < ci; q++) acc = Math.fround(acc + Math.fround(x[((b * h + iy) * w + ix) * ci + q] * filter[((fy * kw + fx) * ci + q) * co + o]));
        }
      }
      out[p * co + o] = acc;
    }
  }
  return out;
}

// Output channels a multiple of 8 run our kernel, the others XNNPACK's (through Conv2D, and through
// FusedConv2D without bias for all): every case gives the loop's bytes.
for (const c of CASES) {
  test(`Conv2D on wasm gives the bytes of XNNPACK's convolution and of a float32 loop: ${c.name}`, async () => {
    const x = randomFloats(c.x.reduce((a, b) => a * b), 7);
    const filter = randomFloats(c.filter.reduce((a, b) => a * b), 8);
    const [ours, xnnpack] = await onBackend("wasm", () => {
      const xt = tf.tensor4d(x, c.x);
      const ft = tf.tensor4d(filter, c.filter);
      return [tf.conv2d(xt, ft, c.strides, c.pad as "same"), tf.fused.conv2d({ x: xt, filter: ft, strides: c.strides, pad: c.pad as "same" })];
    });
    const loop = convLoop(c, x, filter);
    assert.deepEqual(new Uint8Array(ours.buffer), new Uint8Array(loop.buffer), "Conv2D against the loop");
    assert.deepEqual(new Uint8Array(xnnpack.buffer), new Uint8Array(loop.buffer), "XNNPACK against the loop");
  });
}

test("Identity on wasm shares the data instead of copying it (the tensors gradients keep), and frees it with the last tensor", async () => {
  await useBackend("wasm");
  const backend = tf.engine().backend;
  const x = tf.tensor2d(randomFloats(4000, 5), [40, 100]);
  const before = backend.numDataIds();
  const copy = tf.clone(x);
  assert.equal(backend.numDataIds(), before, "a clone allocates no new buffer");
  x.dispose();
  assert.deepEqual(copy.dataSync(), randomFloats(4000, 5), "the clone keeps the values after the original is freed");
  copy.dispose();
  assert.equal(backend.numDataIds(), before - 1, "the buffer goes with the last tensor");
});
