import type { Explanation } from "../../lib/shap/explanation";

/** Messages between the page (main.ts) and the SHAP worker (worker.ts). Arrays are transferred, not copied. */
export interface ExplainRequest {
  readonly type: "explain";
  readonly id: number;
  /** URL of the model.json (site/build.ts writes data/models/<name>/model.json). */
  readonly modelUrl: string;
  /** 33 x 153 x 3 bytes, "FTC", channel fastest. */
  readonly image: Uint8Array;
  readonly maxEvals: number;
}

/** The model's softmax probabilities for one image (quick, shown before any SHAP run). */
export interface PredictRequest {
  readonly type: "predict";
  readonly id: number;
  readonly modelUrl: string;
  readonly image: Uint8Array;
}

/** The fields of an Explanation (lib/shap/explanation.ts) that cross the thread boundary: typed arrays and
 * plain values, so the structured clone keeps them (featureNames stays behind: image features have none). */
export type ExplanationFields = Pick<
  Explanation,
  | "values" | "baseValues" | "data" | "nSamples" | "featureShape" | "nOutputs" | "outputAxis"
  | "outputIndices" | "outputNames" | "modelOutputs" | "evalCounts"
>;

export type WorkerMessage =
  | { readonly type: "ready"; readonly backend: string }
  | { readonly type: "prediction"; readonly id: number; readonly probabilities: Float32Array }
  | { readonly type: "progress"; readonly id: number; readonly done: number; readonly total: number }
  | {
      readonly type: "result";
      readonly id: number;
      readonly explanation: ExplanationFields;
      /** Softmax probabilities of [foreshock, aftershock]. */
      readonly probabilities: Float32Array;
      /** Wall time of the explanation alone (model loading excluded), s. */
      readonly seconds: number;
    }
  | { readonly type: "error"; readonly id: number; readonly message: string };
