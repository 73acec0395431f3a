/**
 * Entry point of one InferencePool worker thread (inference-pool.ts): its own tf.js backend (wasm), its own
 * folded copy of the CNN2D, and a loop answering { id, n, batch } with { id, logits }. Does nothing when
 * imported outside a pool worker.
 */
import { isMainThread, parentPort, workerData } from "node:worker_threads";
import * as tf from "@tensorflow/tfjs";
import { initBackend, type BackendName } from "./backend";
import { foldCnn } from "./folded-inference";
import { logitsInBatches } from "./predict";
import type { Standardization } from "./standardize";

/** Marker of the workerData an InferencePool sends. */
export const INFERENCE_WORKER_KIND = "seismic-xai/cnn-inference";

/** What a pool hands each worker at start. */
export interface InferenceWorkerData {
  kind: typeof INFERENCE_WORKER_KIND;
  backend: BackendName;
  modelTopology: {};
  weightSpecs: tf.io.WeightsManifestEntry[];
  weightData: ArrayBuffer;
  standardization: Standardization;
  batchSize: number;
}

/** A request: n images on 0..255 (n x 33 x 153 x 3). */
export interface InferenceRequest {
  id: number;
  n: number;
  batch: Float32Array;
}

/** A reply: logits n x 2, or the error message. */
export type InferenceReply = { type: "ready"; backend: string } | { type: "result"; id: number; logits: Float32Array } | { type: "error"; id: number | null; message: string };

async function serve(data: InferenceWorkerData): Promise<void> {
  const port = parentPort;
  if (port === null) return;
  try {
    const backend = await initBackend({ prefer: data.backend, log: false });
    const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: data.modelTopology, weightSpecs: data.weightSpecs, weightData: data.weightData }));
    const folded = foldCnn(model);
    model.dispose();
    port.on("message", (req: InferenceRequest) => {
      try {
        const logits = logitsInBatches(folded, req.batch, req.n, data.standardization, data.batchSize);
        port.postMessage({ type: "result", id: req.id, logits } satisfies InferenceReply, [logits.buffer]);
      } catch (e) {
        port.postMessage({ type: "error", id: req.id, message: e instanceof Error ? e.message : String(e) } satisfies InferenceReply);
      }
    });
    port.postMessage({ type: "ready", backend } satisfies InferenceReply);
  } catch (e) {
    port.postMessage({ type: "error", id: null, message: e instanceof Error ? e.stack ?? e.message : String(e) } satisfies InferenceReply);
  }
}

if (!isMainThread && (workerData as InferenceWorkerData | undefined)?.kind === INFERENCE_WORKER_KIND) {
  void serve(workerData as InferenceWorkerData);
}
