/**
 * The memory data-parallel training's threads share for the optimiser (parallel-trainer.ts): the trainable
 * weights, Adam's two moments and one gradient slot per thread, in one shared WebAssembly memory, and the
 * kernel (./shared-adam-kernel.wasm, the Adam update of ./assembly/adam-kernel.ts built for a shared memory)
 * with which each thread adds the slots over its stretch of the weights and applies Adam there. The weights
 * and moments live here for the whole training; the coordinating thread reads them back when it needs the
 * model (after an epoch, for validation and checkpoints).
 *
 * Layout: float32 arrays of `nTrainable` values (model.trainableWeights order, flattened), each starting
 * on a 16-byte boundary: params, m, v, then `threads` gradient slots `slotStride` bytes apart.
 */
import type { AdamStepConstants } from "./adam";
import { type AdamKernel, instantiateKernels } from "./backend-memory-kernels";

/** Byte offsets of the arrays in the shared memory (see the file comment). */
export interface SharedAdamLayout {
  nTrainable: number;
  threads: number;
  params: number;
  m: number;
  v: number;
  slots: number;
  slotStride: number;
  /** Bytes the layout needs. */
  bytes: number;
}

/** A shared WebAssembly memory (WebAssembly.Memory with `shared: true`): its buffer is a SharedArrayBuffer. */
export interface SharedWasmMemory {
  readonly buffer: SharedArrayBuffer;
}

/** The part of the WebAssembly global used here (the project's ES2022 type libraries do not declare it). */
interface WebAssemblyMemoryApi {
  readonly Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => SharedWasmMemory;
}

const PAGE_BYTES = 65536;

/** The layout for `nTrainable` weights and `threads` gradient slots. */
export function sharedAdamLayout(nTrainable: number, threads: number): SharedAdamLayout {
  if (!Number.isInteger(nTrainable) || nTrainable < 1) throw new Error(`sharedAdamLayout: nTrainable must be a positive integer, got ${nTrainable}`);
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`sharedAdamLayout: threads must be a positive integer, got ${threads}`);
  const stride = Math.ceil((4 * nTrainable) / 16) * 16;
  return { nTrainable, threads, params: 0, m: stride, v: 2 * stride, slots: 3 * stride, slotStride: stride, bytes: (3 + threads) * stride };
}

/** A zeroed shared memory large enough for `layout`. */
export function createSharedAdamMemory(layout: SharedAdamLayout): SharedWasmMemory {
  const pages = Math.max(1, Math.ceil(layout.bytes / PAGE_BYTES));
  const wasm = (globalThis as unknown as { WebAssembly: WebAssemblyMemoryApi }).WebAssembly;
  return new wasm.Memory({ initial: pages, maximum: pages, shared: true });
}

/** Float32 views of the layout's arrays in `memory`. */
export function sharedAdamViews(memory: SharedWasmMemory, layout: SharedAdamLayout): { params: Float32Array; m: Float32Array; v: Float32Array; slots: Float32Array[] } {
  const view = (offset: number) => new Float32Array(memory.buffer, offset, layout.nTrainable);
  return {
    params: view(layout.params),
    m: view(layout.m),
    v: view(layout.v),
    slots: Array.from({ length: layout.threads }, (_, r) => view(layout.slots + r * layout.slotStride)),
  };
}

/** The kernel instantiated on `memory` (each thread makes its own instance). */
export function sharedAdamKernel(memory: SharedWasmMemory): AdamKernel {
  return instantiateKernels<AdamKernel>("shared-adam-kernel.wasm", memory);
}

/**
 * Thread `rank`'s part of a data-parallel step: over its stretch [start, end) of the weights, adds the
 * `participants` gradient slots in thread order into slot 0 and applies the Adam update `c` to the
 * weights and moments in place (assembly/adam-kernel.ts).
 */
export function addSlotsAndUpdate(kernel: AdamKernel, layout: SharedAdamLayout, start: number, end: number, participants: number, c: AdamStepConstants): void {
  if (!(0 <= start && start <= end && end <= layout.nTrainable)) throw new Error(`addSlotsAndUpdate: stretch [${start}, ${end}) outside 0..${layout.nTrainable}`);
  if (!(participants >= 1 && participants <= layout.threads)) throw new Error(`addSlotsAndUpdate: ${participants} participants for ${layout.threads} slots`);
  const { params, m, v } = layout;
  kernel.addSlotsAndUpdate(start, end, layout.slots, layout.slotStride, participants, params, m, v, params, m, v, c.b1, c.oneMinusB1, c.b2, c.oneMinusB2, c.rootC2, c.eps, c.stepSize);
}
