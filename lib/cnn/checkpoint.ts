/**
 * Training checkpoints: after each epoch, the model (standard layers format, io.ts), the Adam state and the
 * training progress, so that an interrupted run resumes from the last finished epoch and ends with the same
 * weights as an uninterrupted one.
 *
 * Layout of a checkpoint folder:
 *   epoch-0003/model.json, epoch-0003/weights.<hash>.bin   the model after epoch 3
 *   epoch-0003/optimizer.json, epoch-0003/optimizer.bin    Adam's step and moments (float32, m then v)
 *   checkpoint.json                                         names the latest complete epoch folder
 * checkpoint.json is written last, in one atomic rename: it never points at a half-written folder.
 */
import fs from "node:fs";
import path from "node:path";
import type * as tf from "@tensorflow/tfjs";
import { writeFileAtomic, writeJsonAtomic } from "../core/atomic";
import { InputError } from "../core/errors";
import type { AdamState } from "./adam";
import { loadCnn, saveCnn } from "./io";
import type { EpochRecord } from "./metadata";
import type { Standardization } from "./standardize";

const FORMAT = "seismic-xai/cnn-checkpoint";

/** Training progress and the settings that must match for a resume to continue the same run. */
export interface CnnCheckpointState {
  /** Epochs completed. */
  epoch: number;
  history: EpochRecord[];
  seed: number;
  batchSize: number;
  learningRate: number;
  nTrain: number;
  standardization: Standardization;
}

/** A checkpoint read back: the state, the model it saved (caller disposes) and Adam's state. */
export interface CnnCheckpoint {
  state: CnnCheckpointState;
  model: tf.LayersModel;
  adam: AdamState;
}

interface OptimizerJson {
  step: number;
  sizes: number[];
}

/** Writes a checkpoint of `model` and `adam` after epoch `state.epoch` into `dir` (see the file comment). */
export async function writeCnnCheckpoint(dir: string, model: tf.LayersModel, adam: AdamState, state: CnnCheckpointState): Promise<void> {
  const folder = `epoch-${String(state.epoch).padStart(4, "0")}`;
  const epochDir = path.join(dir, folder);
  // A folder of the same name can only be left over from a run that died before committing it.
  fs.rmSync(epochDir, { recursive: true, force: true });
  await saveCnn(model, epochDir);
  const sizes = adam.m.map((a) => a.length);
  const total = sizes.reduce((s, k) => s + k, 0);
  const moments = new Float32Array(2 * total);
  let offset = 0;
  for (const a of [...adam.m, ...adam.v]) {
    moments.set(a, offset);
    offset += a.length;
  }
  writeFileAtomic(path.join(epochDir, "optimizer.bin"), new Uint8Array(moments.buffer));
  writeJsonAtomic(path.join(epochDir, "optimizer.json"), { step: adam.step, sizes } satisfies OptimizerJson);
  writeJsonAtomic(path.join(dir, "checkpoint.json"), { format: FORMAT, latest: folder, state });
  for (const f of fs.readdirSync(dir)) {
    if (/^epoch-\d+$/.test(f) && f !== folder) fs.rmSync(path.join(dir, f), { recursive: true, force: true });
  }
}

/** Reads the latest checkpoint in `dir`; null when there is none. */
export async function readCnnCheckpoint(dir: string): Promise<CnnCheckpoint | null> {
  const file = path.join(dir, "checkpoint.json");
  if (!fs.existsSync(file)) return null;
  let json: { format?: string; latest?: string; state?: CnnCheckpointState };
  try {
    json = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new InputError(file, `not valid JSON: ${(e as Error).message}`);
  }
  if (json.format !== FORMAT || typeof json.latest !== "string" || json.state === undefined) throw new InputError(file, `not a ${FORMAT} file`);
  const epochDir = path.join(dir, json.latest);
  const opt = JSON.parse(fs.readFileSync(path.join(epochDir, "optimizer.json"), "utf8")) as OptimizerJson;
  const raw = fs.readFileSync(path.join(epochDir, "optimizer.bin"));
  const total = opt.sizes.reduce((s, k) => s + k, 0);
  if (raw.byteLength !== 8 * total) throw new InputError(path.join(epochDir, "optimizer.bin"), `${raw.byteLength} bytes, expected ${8 * total}`);
  const moments = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  const m: Float32Array[] = [];
  const v: Float32Array[] = [];
  let offset = 0;
  for (const list of [m, v]) {
    for (const k of opt.sizes) {
      list.push(moments.slice(offset, offset + k));
      offset += k;
    }
  }
  const model = await loadCnn(epochDir);
  return { state: json.state, model, adam: { step: opt.step, m, v } };
}
