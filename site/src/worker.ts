/**
 * The explorer's SHAP worker (a Web Worker, so the page stays responsive): tf.js on its WebAssembly backend,
 * the CNN as lib's model function (lib/cnn/model-fn.ts), and lib's Partition explainer with the Telea-inpainting
 * Image masker, exactly as createCnnShapExplainer (lib/pipeline/cnn-shap-explainer.ts) sets them up in Node
 * with workers { model: 0, masker: 0 }: the same code, so the same numbers (test/site/explorer.browser-test.ts).
 * Cancelling is the page terminating this worker.
 */
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { CNN_CLASS_NAMES } from "../../lib/cnn/metadata";
import { cnnModelFn } from "../../lib/cnn/model-fn";
import { ImageMasker } from "../../lib/shap/maskers/image-masker";
import { provideTeleaWasm } from "../../lib/shap/maskers/inpaint-telea";
import { PartitionExplainer } from "../../lib/shap/partition/partition-explainer";
import { SPECTROGRAM_IMAGE_SHAPE } from "../../lib/spectrogram/spectrogram-image";
import type { ExplainRequest, PredictRequest, WorkerMessage } from "./protocol";

const post = (m: WorkerMessage, transfer: Transferable[] = []): void => (self as unknown as Worker).postMessage(m, transfer);

async function start(): Promise<void> {
  // The tf.js wasm binaries and the Telea kernel are copied next to the bundle by site/build.ts.
  setWasmPaths(new URL("./", self.location.href).href);
  const bytes = new Uint8Array(await (await fetch(new URL("./inpaint-telea.wasm", self.location.href))).arrayBuffer());
  provideTeleaWasm(bytes);
  await tf.setBackend("wasm");
  await tf.ready();
  return;
}
const ready = start();
ready.then(
  () => post({ type: "ready", backend: tf.getBackend() }),
  (e) => post({ type: "error", id: -1, message: `the SHAP worker could not start: ${e instanceof Error ? e.message : String(e)}` }),
);

const models = new Map<string, Promise<tf.LayersModel>>();
function model(url: string): Promise<tf.LayersModel> {
  let m = models.get(url);
  if (!m) {
    m = tf.loadLayersModel(url);
    models.set(url, m);
  }
  return m;
}

async function explain(req: ExplainRequest): Promise<void> {
  await ready;
  const cnn = await model(req.modelUrl);
  const logits = cnnModelFn(cnn, { output: "logits", batchSize: 50 });
  const probabilitiesFn = cnnModelFn(cnn, { output: "probabilities", batchSize: 50 });
  const [h, w, c] = SPECTROGRAM_IMAGE_SHAPE;
  const masker = new ImageMasker({ fill: "inpaint-telea", shape: [h, w, c], workers: 0 });
  try {
    const sample = Float32Array.from(req.image);
    const probabilities = Float32Array.from(await probabilitiesFn(sample, 1));
    const explainer = new PartitionExplainer(logits, masker, { outputNames: CNN_CLASS_NAMES });
    const t0 = performance.now();
    const e = await explainer.explain(sample, 1, {
      maxEvals: req.maxEvals,
      batchSize: 50,
      outputs: 2,
      onProgress: (done, total) => post({ type: "progress", id: req.id, done, total }),
    });
    const seconds = (performance.now() - t0) / 1000;
    const explanation = {
      values: e.values,
      baseValues: e.baseValues,
      data: e.data,
      nSamples: e.nSamples,
      featureShape: e.featureShape,
      nOutputs: e.nOutputs,
      outputAxis: e.outputAxis,
      outputIndices: e.outputIndices,
      outputNames: e.outputNames,
      modelOutputs: e.modelOutputs,
      evalCounts: e.evalCounts,
    };
    post({ type: "result", id: req.id, explanation, probabilities, seconds });
  } finally {
    logits.dispose();
    probabilitiesFn.dispose();
    await masker.close();
  }
}

async function predict(req: PredictRequest): Promise<void> {
  await ready;
  const fn = cnnModelFn(await model(req.modelUrl), { output: "probabilities", batchSize: 50 });
  try {
    const probabilities = Float32Array.from(await fn(Float32Array.from(req.image), 1));
    post({ type: "prediction", id: req.id, probabilities });
  } finally {
    fn.dispose();
  }
}

self.onmessage = (ev: MessageEvent<ExplainRequest | PredictRequest>) => {
  const req = ev.data;
  (req.type === "predict" ? predict(req) : explain(req)).catch((e) => post({ type: "error", id: req.id, message: e instanceof Error ? e.message : String(e) }));
};
