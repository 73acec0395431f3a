import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { buildCnn2d } from "../../lib/cnn/architecture";
import { loadCnn, saveCnn } from "../../lib/cnn/io";
import { getCnnMetadata, setCnnMetadata } from "../../lib/cnn/metadata";
import { predictCnn } from "../../lib/cnn/predict";
import { InputError } from "../../lib/core/errors";
import { randomFloats, useBackend } from "./compare";
import { syntheticImages } from "./synthetic";
import { runChild } from "../helpers/child";

const standardization = { mean: [0.4, 0.5, 0.45], std: [0.2, 0.25, 0.22] };
const data = syntheticImages(6, 3);

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "cnn-io-"));
}

/** A CNN2D whose batch norms hold non-trivial statistics, with a standardisation in its metadata. */
function modelWithState(seed: number): tf.LayersModel {
  const model = buildCnn2d({ seed });
  const bn = model.getLayer("bn2");
  const w = bn.getWeights();
  bn.setWeights([w[0], w[1], tf.tensor1d(randomFloats(64, seed, -0.2, 0.2)), tf.tensor1d(randomFloats(64, seed + 1, 0.5, 2))]);
  setCnnMetadata(model, { standardization });
  return model;
}

test("save then load gives identical predictions and keeps the metadata", async () => {
  await useBackend("wasm");
  const dir = tmp();
  try {
    const model = modelWithState(1);
    const saved = await saveCnn(model, dir);
    assert.deepEqual(fs.readdirSync(dir).sort(), ["model.json", path.basename(saved.weightsPath)]);
    assert.match(path.basename(saved.weightsPath), /^weights\.[0-9a-f]{16}\.bin$/);
    assert.equal(saved.weightBytes, 4 * (1_339_266 + 448));
    const json = JSON.parse(fs.readFileSync(saved.modelJsonPath, "utf8"));
    assert.equal(json.format, "layers-model");
    assert.deepEqual(json.weightsManifest[0].paths, [path.basename(saved.weightsPath)]);

    const loaded = await loadCnn(dir);
    assert.deepEqual(getCnnMetadata(loaded)?.standardization, standardization);
    assert.deepEqual(predictCnn(loaded, data.images, data.n).logits, predictCnn(model, data.images, data.n).logits);

    // Saving other weights into the same folder replaces the weights file and removes the stale one.
    const other = modelWithState(2);
    const again = await saveCnn(other, dir);
    assert.notEqual(again.weightsPath, saved.weightsPath);
    assert.deepEqual(fs.readdirSync(dir).sort(), ["model.json", path.basename(again.weightsPath)]);
    for (const m of [model, loaded, other]) m.dispose();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("a saved model loads through tf.js' own HTTP loader, as in a browser", async () => {
  await useBackend("wasm");
  const dir = tmp();
  try {
    const model = modelWithState(3);
    await saveCnn(model, dir);
    const fetchFunc = async (url: string | URL | Request) => {
      const href = typeof url === "string" ? url : url instanceof URL ? url.href : url.url;
      const file = path.join(dir, new URL(href).pathname.replace(/^\/models\//, ""));
      return new Response(fs.readFileSync(file));
    };
    const browser = await tf.loadLayersModel(tf.io.http("http://localhost/models/model.json", { fetchFunc }));
    const x = tf.tensor4d(randomFloats(2 * 33 * 153 * 3, 5), [2, 33, 153, 3]);
    const a = browser.predict(x) as tf.Tensor;
    const b = model.predict(x) as tf.Tensor;
    assert.deepEqual(a.dataSync(), b.dataSync());
    tf.dispose([x, a, b]);
    browser.dispose();
    model.dispose();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("loadCnn rejects missing files and other architectures with clear errors", async () => {
  await useBackend("wasm");
  const dir = tmp();
  try {
    const isInputError = (pattern: RegExp) => (e: unknown) => e instanceof InputError && pattern.test(e.message);
    await assert.rejects(loadCnn(path.join(dir, "nothing")), isInputError(/no such file/));
    fs.writeFileSync(path.join(dir, "model.json"), "{ not json");
    await assert.rejects(loadCnn(dir), isInputError(/not valid JSON/));

    const small = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 2, name: "fc" })] });
    await saveCnn(small, dir);
    small.dispose();
    await assert.rejects(loadCnn(dir), isInputError(/model\.json: not a CNN2D model: 1 layers, the CNN2D has 16; layer 0 is Dense "fc", the CNN2D has InputLayer "spectrogram" there/));

    const model = buildCnn2d();
    const saved = await saveCnn(model, dir);
    model.dispose();
    const json = JSON.parse(fs.readFileSync(saved.modelJsonPath, "utf8"));
    json.modelTopology.config.layers[1].config.filters = 64;
    fs.writeFileSync(saved.modelJsonPath, JSON.stringify(json));
    await assert.rejects(loadCnn(saved.modelJsonPath), isInputError(/layer "conv1" has filters 64, the CNN2D has 32/));
    json.modelTopology.config.layers[1].config.filters = 32;
    json.modelTopology.config.layers[6].config.strides = [1, 1];
    fs.writeFileSync(saved.modelJsonPath, JSON.stringify(json));
    await assert.rejects(loadCnn(dir), isInputError(/layer "conv2" has strides \[1,1\], the CNN2D has \[2,2\]/));
    json.modelTopology.config.layers[6].config.strides = [2, 2];
    fs.writeFileSync(saved.modelJsonPath, JSON.stringify(json));
    fs.rmSync(saved.weightsPath);
    await assert.rejects(loadCnn(dir), isInputError(/weights file weights\.[0-9a-f]+\.bin listed in the manifest is missing/));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("loadCnn as the first call of a process starts the backend itself; damaged weights are named", async () => {
  await useBackend("wasm");
  const dir = tmp();
  try {
    const model = modelWithState(4);
    const saved = await saveCnn(model, dir);
    model.dispose();
    // A fresh process whose first tf.js call is loadCnn (issue 14, case 5).
    const r = runChild({ action: "load-cnn", modelDir: dir });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split("\n").pop()!);
    assert.equal(out.nWeights, buildCnn2dWeightCount());
    assert.notEqual(out.backend, "cpu");
    assert.ok(!/has not yet been initialized/.test(r.stderr));
    const bytes = fs.readFileSync(saved.weightsPath);
    bytes[1000] ^= 0x40;
    fs.writeFileSync(saved.weightsPath, bytes);
    await assert.rejects(loadCnn(dir), (e: unknown) => e instanceof InputError && e.message.startsWith(saved.weightsPath) && /damaged: its bytes do not match the hash in its name/.test(e.message));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

function buildCnn2dWeightCount(): number {
  const m = buildCnn2d();
  const n = m.weights.length;
  m.dispose();
  return n;
}
