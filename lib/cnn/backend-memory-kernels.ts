/**
 * Loads the project's WebAssembly training kernels (./batch-norm-kernels.wasm, ./conv-kernels.wasm and ./adam-kernel.wasm,
 * compiled from ./assembly/ by `npm run build:wasm`) into the memory of tf.js' wasm backend, so that they
 * compute on tensors where the backend keeps them.
 */
import fs from "node:fs";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { InputError } from "../core/errors";

/** The exports of batch-norm-kernels.wasm; pointers are byte offsets into the backend's memory. */
export interface BatchNormKernels {
  sumDeviations(x: number, m: number, c: number, shift: number, sum: number, sumSq: number): void;
  normRelu(x: number, m: number, c: number, scale: number, shift: number, out: number): void;
  normPoolRelu(x: number, n: number, h: number, w: number, c: number, scale: number, shift: number, out: number): void;
  reluBackward(dy: number, x: number, m: number, c: number, scale: number, shift: number, meanX: number, rstd: number, dx: number, sumG: number, sumGz: number): void;
  poolReluBackward(dy: number, x: number, n: number, h: number, w: number, c: number, scale: number, shift: number, meanX: number, rstd: number, dx: number, sumG: number, sumGz: number): void;
  batchNormBackward(x: number, m: number, c: number, meanX: number, a: number, b: number, cc: number, dx: number, acc: number): void;
}

/** The part of the WebAssembly global used here (the project's ES2022 type libraries do not declare it). */
interface WebAssemblyApi {
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object, imports: object) => { readonly exports: unknown };
}

interface WasmMemory {
  readonly buffer: ArrayBuffer;
}

/** The exports of conv-kernels.wasm; pointers are byte offsets into the backend's memory. */
export interface ConvKernels {
  filterGradientScratchBytes(n: number, h: number, w: number, ci: number, oh: number, ow: number, co: number, kh: number, kw: number, sh: number, sw: number, top: number, left: number): number;
  filterGradient(x: number, n: number, h: number, w: number, ci: number, dy: number, oh: number, ow: number, co: number, kh: number, kw: number, sh: number, sw: number, top: number, left: number, out: number, scratch: number): void;
  col2im(cols: number, n: number, h: number, w: number, ci: number, oh: number, ow: number, kh: number, kw: number, sh: number, sw: number, top: number, left: number, dx: number): void;
  matMulFewRows(a: number, m: number, k: number, b: number, n: number, out: number): void;
  matMulTransposedA(a: number, m: number, k: number, b: number, n: number, out: number): void;
  matMulTransposedBScratchBytes(m: number, k: number): number;
  matMulTransposedB(a: number, m: number, k: number, b: number, n: number, out: number, scratch: number): void;
  blockedScratchBytes(k: number, co: number): number;
  convForwardScratchBytes(n: number, h: number, w: number, ci: number, oh: number, ow: number, co: number, kh: number, kw: number, sh: number, sw: number, top: number, left: number): number;
  convForward(x: number, n: number, h: number, w: number, ci: number, filter: number, oh: number, ow: number, co: number, kh: number, kw: number, sh: number, sw: number, top: number, left: number, out: number, scratch: number): void;
  inputGradient(dy: number, n: number, oh: number, ow: number, co: number, filter: number, h: number, w: number, ci: number, kh: number, kw: number, sh: number, sw: number, top: number, left: number, dx: number, scratch: number): void;
}

/**
 * The exports of adam-kernel.wasm and shared-adam-kernel.wasm (one source, assembly/adam-kernel.ts); pointers
 * are byte offsets into the memory the module was instantiated on.
 */
export interface AdamKernel {
  addSlotsAndUpdate(start: number, end: number, slots: number, slotStride: number, participants: number, p: number, m: number, v: number, pOut: number, mOut: number, vOut: number, b1: number, oneMinusB1: number, b2: number, oneMinusB2: number, rootC2: number, eps: number, stepSize: number): void;
}

const compiled = new Map<string, object>();
const instances = new Map<string, { memory: WasmMemory; exports: unknown }>();

/** The wasm backend's memory (its emscripten module's), or null when that backend is not initialised. */
function backendMemory(): WasmMemory | null {
  if (tf.findBackendFactory("wasm") === null) return null;
  let backend: unknown;
  try {
    backend = tf.findBackend("wasm");
  } catch {
    return null;
  }
  const memory = (backend as { wasm?: { asm?: { memory?: WasmMemory } } } | null)?.wasm?.asm?.memory;
  return memory ?? null;
}

/**
 * The kernels instantiated on the wasm backend's memory when `heap` (the buffer a kernel's views are made
 * on) is that memory's current buffer; null otherwise (the cpu backend, or no wasm backend).
 */
export function batchNormKernelsFor(heap: ArrayBufferLike): BatchNormKernels | null {
  return kernelsFor<BatchNormKernels>("batch-norm-kernels.wasm", heap);
}

/** As batchNormKernelsFor, for the convolution kernels. */
export function convKernelsFor(heap: ArrayBufferLike): ConvKernels | null {
  return kernelsFor<ConvKernels>("conv-kernels.wasm", heap);
}

/** As batchNormKernelsFor, for the Adam update. */
export function adamKernelFor(heap: ArrayBufferLike): AdamKernel | null {
  return kernelsFor<AdamKernel>("adam-kernel.wasm", heap);
}

/**
 * Instantiates the project's module `fileName` (a .wasm file of this folder, compiled once per process) on
 * `memory`, which it imports as `env.memory`; returns its exports.
 */
export function instantiateKernels<T>(fileName: string, memory: object): T {
  const wasm = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;
  let module = compiled.get(fileName);
  if (module === undefined) {
    const file = path.join(__dirname, fileName);
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(file);
    } catch (e) {
      throw new InputError(file, `cannot be read (${e instanceof Error ? e.message : String(e)}); it is part of the repository: rebuild it with \`npm run build:wasm\``);
    }
    module = new wasm.Module(bytes);
    compiled.set(fileName, module);
  }
  return new wasm.Instance(module, { env: { memory } }).exports as T;
}

function kernelsFor<T>(fileName: string, heap: ArrayBufferLike): T | null {
  const memory = backendMemory();
  if (memory === null || memory.buffer !== heap) return null;
  let instance = instances.get(fileName);
  if (instance === undefined || instance.memory !== memory) {
    instance = { memory, exports: instantiateKernels<unknown>(fileName, memory) };
    instances.set(fileName, instance);
  }
  return instance.exports as T;
}
