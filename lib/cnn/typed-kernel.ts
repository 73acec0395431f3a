/**
 * Registers a tf.js kernel written as a plain loop over typed arrays, for the backends whose tensor data
 * lives in JavaScript-visible memory: "cpu" (JS arrays) and "wasm" (views of the wasm heap). Used for the
 * fused batch-norm blocks, where a few passes over memory replace chains of a dozen tf.js ops.
 */
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";

/** The backends `registerTypedKernel` registers for. */
export const TYPED_KERNEL_BACKENDS = ["cpu", "wasm"] as const;

/** Shape of one (float32) kernel output. */
export interface TypedOutputSpec {
  shape: number[];
}

/**
 * A kernel body: reads `inputs` (in `inputNames` order), writes every element of `outputs`; `scratch` is
 * working memory of the size the definition asks for, in the same memory as the tensors (on wasm: the
 * backend's heap, where WebAssembly kernels can reach it), 8-byte aligned, contents undefined.
 */
export type TypedKernelBody = (inputs: Float32Array[], outputs: Float32Array[], shapes: number[][], attrs: tf.NamedAttrMap, scratch: Float32Array) => void;

/** Definition of a typed kernel (see `registerTypedKernel`). */
export interface TypedKernelDef {
  kernelName: string;
  /** Input names in the order the body receives them. */
  inputNames: string[];
  /** Output shapes from the input shapes (same order as `inputNames`) and the attributes. */
  outputs: (shapes: number[][], attrs: tf.NamedAttrMap) => TypedOutputSpec[];
  body: TypedKernelBody;
  /** float32 values of scratch memory the body needs, from the input shapes. @default 0 */
  scratchFloats?: (shapes: number[][]) => number;
}

interface CpuData {
  data: { get(dataId: object): { values: Float32Array } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
}

/**
 * Registers `def` for the "cpu" and "wasm" backends (wasm only when its package is loaded). Outputs are
 * allocated before the body runs and are not zeroed: the body writes every element. Inputs and outputs
 * are float32.
 */
export function registerTypedKernel(def: TypedKernelDef): void {
  for (const backendName of TYPED_KERNEL_BACKENDS) {
    tf.registerKernel({
      kernelName: def.kernelName,
      backendName,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const infos = def.inputNames.map((name) => {
          const t = inputs[name];
          if (t == null) throw new Error(`${def.kernelName}: missing input ${name}`);
          if (t.dtype !== "float32") throw new Error(`${def.kernelName}: input ${name} must be float32, got ${t.dtype}`);
          return t;
        });
        const shapes = infos.map((t) => t.shape);
        const a = attrs ?? {};
        const specs = def.outputs(shapes, a);
        const scratchFloats = def.scratchFloats?.(shapes) ?? 0;
        if (backendName === "wasm") {
          const wasm = backend as BackendWasm;
          const outs = specs.map((s) => wasm.makeOutput(s.shape, "float32"));
          // Two extra floats so that the scratch can start on an 8-byte boundary.
          const scratchInfo = scratchFloats > 0 ? wasm.makeOutput([scratchFloats + 2], "float32") : null;
          try {
            // Views only after every allocation: a later malloc may grow (and detach) the heap.
            const inViews = infos.map((t) => wasm.typedArrayFromHeap(t) as Float32Array);
            const outViews = outs.map((t) => wasm.typedArrayFromHeap(t) as Float32Array);
            let scratch = new Float32Array(0);
            if (scratchInfo !== null) {
              const raw = wasm.typedArrayFromHeap(scratchInfo) as Float32Array;
              scratch = raw.subarray(raw.byteOffset % 8 === 0 ? 0 : 1).subarray(0, scratchFloats);
            }
            def.body(inViews, outViews, shapes, a, scratch);
          } finally {
            if (scratchInfo !== null) wasm.disposeData(scratchInfo.dataId);
          }
          return outs;
        }
        const cpu = backend as unknown as CpuData;
        const inArrays = infos.map((t) => cpu.data.get(t.dataId).values);
        const outArrays = specs.map((s) => new Float32Array(s.shape.reduce((p, d) => p * d, 1)));
        def.body(inArrays, outArrays, shapes, a, new Float32Array(scratchFloats));
        return specs.map((s, i) => cpu.makeTensorInfo(s.shape, "float32", outArrays[i]));
      },
    });
  }
}

/**
 * Copies the float32 values of `t` into `target` from `offset`: straight from the wasm heap on the wasm
 * backend (one copy; `dataSync` would make a second), through `dataSync` elsewhere.
 */
export function copyTensorInto(t: tf.Tensor, target: Float32Array, offset = 0): void {
  if (t.dtype !== "float32") throw new Error(`copyTensorInto: float32 tensor required, got ${t.dtype}`);
  const backend = tf.backend();
  if (tf.getBackend() === "wasm") target.set((backend as BackendWasm).typedArrayFromHeap(t) as Float32Array, offset);
  else target.set(t.dataSync() as Float32Array, offset);
}
