import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
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

test("initBackend uses up tf.js' Node banner silently, whatever the backend or log option (fresh processes)", () => {
  // The banner is printed once per process, on the cpu backend's first write: each case needs a new process.
  const root = path.resolve(__dirname, "..", "..");
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  const run = (options: string) => {
    // after init, a tensor on the cpu backend: its first write is where tf.js prints the banner
    const script =
      `const tf = require("@tensorflow/tfjs"); require("./lib/cnn/backend").initBackend(${options})` +
      `.then(async (b) => { await tf.setBackend("cpu"); tf.tensor([1, 2]).dataSync(); console.log("backend " + b + ", PROD " + tf.env().getBool("PROD")); })`;
    const r = spawnSync(process.execPath, ["--import", "tsx", "-e", script], { cwd: root, env, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout + r.stderr;
  };
  for (const options of ['{ prefer: "wasm" }', '{ prefer: "wasm", log: false }', '{ prefer: "cpu" }']) {
    const out = run(options);
    assert.doesNotMatch(out, /Hi, looks like you are running TensorFlow\.js/, `${options}: ${out}`);
    // the flag is restored: tf.js' other warnings and debug checks are as before
    assert.match(out, /PROD false/, options);
  }
  // the control: the same tensor without initBackend prints the banner, so the check above can fail
  const script = `const tf = require("@tensorflow/tfjs"); tf.setBackend("cpu").then(() => tf.tensor([1, 2]).dataSync())`;
  const bare = spawnSync(process.execPath, ["--import", "tsx", "-e", script], { cwd: root, env, encoding: "utf8" });
  assert.match(bare.stdout + bare.stderr, /Hi, looks like you are running TensorFlow\.js/);
});
