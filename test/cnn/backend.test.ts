import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../lib/cnn/backend";

test("initBackend picks the fastest backend that starts, says which and why, once per change", async () => {
  const lines: string[] = [];
  const log = (line: string) => lines.push(line);
  let hasNode = true;
  try {
    require.resolve("@tensorflow/tfjs-node");
  } catch {
    hasNode = false;
  }
  const name = await initBackend({ log });
  assert.equal(name, hasNode ? "tensorflow" : "wasm");
  assert.equal(tf.getBackend(), name);
  assert.equal(lines.length, 1);
  assert.match(lines[0], hasNode ? /backend: tensorflow/ : /backend: wasm \(SIMD, one thread; custom training kernels registered\) \(skipped tensorflow: @tensorflow\/tfjs-node is not installed\)/);
  await initBackend({ log });
  assert.equal(lines.length, 1, "the same choice is not reported twice");

  assert.equal(await initBackend({ prefer: "cpu", log }), "cpu");
  assert.equal(tf.getBackend(), "cpu");
  assert.match(lines[1], /backend: cpu/);
  assert.equal(await initBackend({ prefer: "wasm", log: false }), "wasm");
  assert.equal(lines.length, 2);
});

test("initBackend refuses unknown backend names", async () => {
  await assert.rejects(initBackend({ prefer: "webgpu" as "wasm", log: false }), /unknown backend "webgpu"/);
});

test("the wasm backend can run every kernel a training step needs once initBackend ran", async () => {
  await initBackend({ prefer: "wasm", log: false });
  assert.equal(tf.getKernel("Conv2DBackpropFilter", "wasm").backendName, "wasm");
});
