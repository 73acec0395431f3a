/**
 * Saving and loading the CNN2D in the standard TensorFlow.js layers format (model.json + a binary weights
 * file), without tfjs-node (whose file:// handler is the only one tf.js has for Node). The files load
 * unchanged in a browser with `tf.loadLayersModel(url)`.
 *
 * Saving is atomic as a whole: the weights go to a file named after a hash of their bytes, then model.json,
 * which names that file, replaces the old one in a single rename; stale weight files are removed last. A
 * reader therefore always sees a model.json with complete weights, and `loadCnn` checks the weights' bytes
 * against the hash in their name. One save at a time writes a folder (its `.lock`, lib/core/cache-lock), so
 * two runs saving into one folder never remove each other's weights.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { writeFileAtomic, writeJsonAtomic } from "../core/atomic";
import { lockFileOf, withLock } from "../core/cache-lock";
import { InputError } from "../core/errors";
import { assertWritableDir, withFileSystemErrors } from "../core/fs-errors";
import { buildCnn2d } from "./architecture";
import { ensureBackend } from "./backend";

/** Where `saveCnn` wrote. */
export interface SavedCnn {
  modelJsonPath: string;
  weightsPath: string;
  /** Size of the weights file in bytes. */
  weightBytes: number;
}

/** A model's topology, weight specs and weights in one buffer, as tf.js' save handlers receive them. */
export interface CapturedArtifacts {
  readonly artifacts: tf.io.ModelArtifacts;
  readonly weightSpecs: tf.io.WeightsManifestEntry[];
  readonly weightData: ArrayBuffer;
}

/**
 * Captures `model`'s artifacts in memory through a save handler (tf.js' file:// handler needs tfjs-node), for
 * writing them (saveCnn) or handing the weights to worker threads (InferencePool). `where` names the caller in
 * the error when tf.js produces no weights.
 */
export async function captureModelArtifacts(model: tf.LayersModel, where: string): Promise<CapturedArtifacts> {
  let artifacts: tf.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) };
    }),
  );
  const a = artifacts as tf.io.ModelArtifacts | null;
  if (a === null || a.weightData === undefined || a.weightSpecs === undefined) throw new Error(`${where}: tf.js produced no weights`);
  return { artifacts: a, weightSpecs: a.weightSpecs, weightData: tf.io.CompositeArrayBuffer.join(a.weightData) };
}

/**
 * Saves `model` (weights, topology and userDefinedMetadata, which holds the input standardisation) into
 * folder `dir` as model.json + weights.<hash>.bin (see the file comment).
 */
export async function saveCnn(model: tf.LayersModel, dir: string): Promise<SavedCnn> {
  assertWritableDir(dir, "the model");
  const { artifacts: a, weightSpecs, weightData } = await captureModelArtifacts(model, "saveCnn");
  const bytes = new Uint8Array(weightData);
  const weightsName = `weights.${createHash("sha256").update(bytes).digest("hex").slice(0, 16)}.bin`;
  const weightsPath = path.join(dir, weightsName);
  // The fields of tf.js' own model.json writer (io_utils getModelJSONForModelArtifacts, not exported).
  const modelJson: tf.io.ModelJSON = {
    modelTopology: a.modelTopology as {},
    format: a.format,
    generatedBy: a.generatedBy,
    convertedBy: a.convertedBy ?? null,
    weightsManifest: [{ paths: [weightsName], weights: weightSpecs }],
  };
  if (a.trainingConfig != null) modelJson.trainingConfig = a.trainingConfig;
  if (a.userDefinedMetadata != null) modelJson.userDefinedMetadata = a.userDefinedMetadata;
  const modelJsonPath = path.join(dir, "model.json");
  await withLock(lockFileOf(dir), { purpose: "the model" }, async () => {
    writeFileAtomic(weightsPath, bytes);
    writeJsonAtomic(modelJsonPath, modelJson);
    withFileSystemErrors(dir, "removing the previous weights", () => {
      for (const f of fs.readdirSync(dir)) {
        if (/^weights\.[0-9a-f]+\.bin$/.test(f) && f !== weightsName) fs.rmSync(path.join(dir, f), { force: true });
      }
    });
  });
  return { modelJsonPath, weightsPath, weightBytes: bytes.length };
}

/**
 * Loads a CNN2D saved by `saveCnn` (or any tf.js layers model.json with the same architecture), initialising
 * the tf.js backend first when none is ready (`ensureBackend`), so it can be the first call of a process. A
 * weights file named `weights.<hash>.bin` must hold the bytes of that hash.
 *
 * @param location the folder holding model.json, or the model.json path
 * @throws InputError naming the file when it is missing, unreadable, or another architecture
 */
export async function loadCnn(location: string): Promise<tf.LayersModel> {
  await ensureBackend();
  const file = fs.existsSync(location) && fs.statSync(location).isDirectory() ? path.join(location, "model.json") : location;
  if (!fs.existsSync(file)) throw new InputError(file, "no such file (expected a model.json written by saveCnn)");
  let modelJson: tf.io.ModelJSON;
  try {
    modelJson = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new InputError(file, `not valid JSON: ${(e as Error).message}`);
  }
  if (typeof modelJson !== "object" || modelJson === null || typeof modelJson.modelTopology !== "object" || !Array.isArray(modelJson.weightsManifest)) {
    throw new InputError(file, "not a TensorFlow.js layers model.json (modelTopology or weightsManifest missing)");
  }
  assertCnnTopology(modelJson.modelTopology, file);
  const dir = path.dirname(file);
  const artifacts = await tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
    const specs: tf.io.WeightsManifestEntry[] = [];
    const buffers: ArrayBuffer[] = [];
    for (const group of manifest) {
      for (const p of group.paths) {
        const weightsFile = path.join(dir, p);
        if (!fs.existsSync(weightsFile)) throw new InputError(file, `weights file ${p} listed in the manifest is missing`);
        const b = fs.readFileSync(weightsFile);
        const named = /^weights\.([0-9a-f]{16})\.bin$/.exec(path.basename(p));
        if (named && createHash("sha256").update(b).digest("hex").slice(0, 16) !== named[1]) {
          throw new InputError(weightsFile, "damaged: its bytes do not match the hash in its name (a partial copy?); save or train the model again");
        }
        buffers.push(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
      }
      specs.push(...group.weights);
    }
    return [specs, tf.io.CompositeArrayBuffer.join(buffers)];
  });
  let model: tf.LayersModel;
  try {
    model = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  } catch (e) {
    throw new InputError(file, `tf.js could not build the model: ${(e as Error).message}`, { cause: e });
  }
  const expected = referenceWeightShapes();
  const got = model.weights.map((w) => `${w.originalName} [${w.shape}]`);
  if (got.join() !== expected.join()) {
    model.dispose();
    const i = got.findIndex((g, k) => g !== expected[k]);
    throw new InputError(file, `not a CNN2D model: weight ${i} is ${got[i] ?? "missing"}, the CNN2D has ${expected[i] ?? "none"}`);
  }
  return model;
}

/** Config keys that define the architecture (names as in Keras / tf.js layer configs). */
const ARCHITECTURE_KEYS = [
  "batch_input_shape",
  "filters",
  "kernel_size",
  "strides",
  "padding",
  "pool_size",
  "units",
  "activation",
  "axis",
  "epsilon",
  "use_bias",
  "dilation_rate",
  "data_format",
  "center",
  "scale",
];

interface LayerSummary {
  className: string;
  name: string;
  config: Record<string, unknown>;
}

let referenceLayers: LayerSummary[] | null = null;
let referenceWeights: string[] | null = null;

function summarize(topology: unknown): LayerSummary[] | null {
  const t = topology as { model_config?: unknown; class_name?: string; config?: { layers?: unknown } } | null;
  const root = (t && typeof t === "object" && "model_config" in t ? (t.model_config as typeof t) : t) ?? null;
  const layers = root?.config?.layers;
  if (!Array.isArray(layers)) return null;
  return layers.map((l: { class_name?: string; config?: Record<string, unknown> }) => {
    const config: Record<string, unknown> = {};
    for (const k of ARCHITECTURE_KEYS) if (l.config && k in l.config) config[k] = l.config[k];
    return { className: String(l.class_name), name: String(l.config?.name), config };
  });
}

function ensureReference(): void {
  if (referenceLayers !== null) return;
  const model = buildCnn2d();
  referenceLayers = summarize(model.toJSON(null, false));
  referenceWeights = model.weights.map((w) => `${w.originalName} [${w.shape}]`);
  model.dispose();
}

function referenceWeightShapes(): string[] {
  ensureReference();
  return referenceWeights as string[];
}

/**
 * Throws an InputError naming `where` unless `topology` (a model.json's modelTopology) describes the
 * CNN2D of buildCnn2d: same layers in the same order, same names, same sizes, strides and paddings.
 */
export function assertCnnTopology(topology: unknown, where: string): void {
  ensureReference();
  const expected = referenceLayers as LayerSummary[];
  const got = summarize(topology);
  if (got === null) throw new InputError(where, "not a CNN2D model: the topology has no layer list");
  const count = got.length === expected.length ? "" : `${got.length} layers, the CNN2D has ${expected.length}; `;
  for (let i = 0; i < Math.min(got.length, expected.length); i++) {
    const g = got[i];
    const e = expected[i];
    if (g.className !== e.className || g.name !== e.name) {
      throw new InputError(where, `not a CNN2D model: ${count}layer ${i} is ${g.className} "${g.name}", the CNN2D has ${e.className} "${e.name}" there`);
    }
    for (const k of Object.keys(e.config)) {
      const gv = JSON.stringify(g.config[k]);
      const ev = JSON.stringify(e.config[k]);
      if (gv !== ev) throw new InputError(where, `not a CNN2D model: ${count}layer "${g.name}" has ${k} ${gv}, the CNN2D has ${ev}`);
    }
  }
  if (count) throw new InputError(where, `not a CNN2D model: ${count.slice(0, -2)}`);
}
