/**
 * Helpers of the CNN tests: run the same computation on one tf.js backend after another, and compare
 * float arrays by max abs error relative to the reference's largest magnitude.
 */
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../lib/cnn/backend";
import { Rng } from "../../lib/core/rng";

/** Initialises wasm and cpu once (quietly) and leaves `name` current. */
export async function useBackend(name: "wasm" | "cpu"): Promise<void> {
  await initBackend({ prefer: "wasm", log: false });
  await tf.setBackend(name);
}

/** Runs `f` on backend `name` and returns copies of the resulting tensors' values (tensors disposed). */
export async function onBackend(name: "wasm" | "cpu", f: () => tf.Tensor[]): Promise<Float32Array[]> {
  await useBackend(name);
  const out = tf.tidy(f);
  const values = out.map((t) => Float32Array.from(t.dataSync() as Float32Array));
  tf.dispose(out);
  return values;
}

/** max |a - b| / max |b| (0 when both are all zero). */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let err = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    err = Math.max(err, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return scale === 0 ? err : err / scale;
}

/** Seeded uniform floats in [lo, hi). */
export function randomFloats(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n }, () => rng.uniform(lo, hi));
}
