/**
 * Worker-thread entry of `parallel.ts`: prepares the shared ensemble once, then answers row chunks with
 * TreeSHAP values until terminated. Loaded only as a worker (it does nothing when imported elsewhere).
 */
import { parentPort, workerData } from "node:worker_threads";
import { PackedEnsemble, unpackEnsemble } from "./ensemble-transfer";
import { interventionalTreeShapPrepared, PreparedBackground } from "./interventional";
import { prepareTreeEnsemble } from "./prepared-ensemble";
import { treeShapInteractionsPrepared } from "./tree-interactions";
import { treeShapPrepared } from "./tree-shap";

/** What `parallel.ts` passes as workerData. */
export interface TreeShapWorkerData {
  readonly protocol: typeof TREE_SHAP_WORKER_PROTOCOL;
  readonly ensemble: PackedEnsemble;
  readonly task: "values" | "interventional" | "interactions";
  readonly background?: PreparedBackground;
}

/** A chunk of rows to explain (X is nRows × nFeatures, row-major). */
export interface TreeShapWorkerRequest {
  readonly start: number;
  readonly nRows: number;
  readonly X: Float64Array;
}

/**
 * The answer to a request: values (nRows × F, or nRows × F × F for interactions), shapValues (interactions
 * only), predictions; or the error message.
 */
export interface TreeShapWorkerReply {
  readonly start: number;
  readonly values?: Float64Array;
  readonly shapValues?: Float64Array;
  readonly predictions?: Float64Array;
  readonly error?: string;
}

export const TREE_SHAP_WORKER_PROTOCOL = "seismic-xai/tree-shap/1";

const data = workerData as TreeShapWorkerData | null;
if (parentPort && data && data.protocol === TREE_SHAP_WORKER_PROTOCOL) {
  const port = parentPort;
  const prepared = prepareTreeEnsemble(unpackEnsemble(data.ensemble), "worker ensemble");
  port.on("message", (request: TreeShapWorkerRequest) => {
    try {
      let reply: TreeShapWorkerReply;
      const options = { checkAdditivity: false };
      if (data.task === "interactions") {
        const r = treeShapInteractionsPrepared(prepared, request.X, request.nRows, options);
        reply = { start: request.start, values: r.values, shapValues: r.shapValues, predictions: r.predictions };
      } else {
        const r =
          data.task === "interventional"
            ? interventionalTreeShapPrepared(prepared, request.X, request.nRows, data.background!, options)
            : treeShapPrepared(prepared, request.X, request.nRows, options);
        reply = { start: request.start, values: r.values, predictions: r.predictions };
      }
      const transfer = [reply.values!.buffer, reply.predictions!.buffer];
      if (reply.shapValues) transfer.push(reply.shapValues.buffer);
      port.postMessage(reply, transfer as ArrayBuffer[]);
    } catch (e) {
      port.postMessage({ start: request.start, error: e instanceof Error ? e.message : String(e) } satisfies TreeShapWorkerReply);
    }
  });
}
