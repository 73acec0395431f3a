import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { NdArray } from "../../lib/waveform/npy";
import { readNpz } from "../../lib/waveform/npz";
import { GOLDEN_DIR, readGoldenJson, requireRealData } from "./golden";

const ROOT = path.resolve(__dirname, "..", "..");

test("every file test/golden/README.md lists is there with the sha256 it states", () => {
  const readme = fs.readFileSync(path.join(GOLDEN_DIR, "README.md"), "utf8");
  const listed = [...readme.matchAll(/^\| `([\w./-]+)` \|.*\| `([0-9a-f]{64})` \|$/gm)];
  assert.ok(listed.length >= 5, `only ${listed.length} files with a sha256 in test/golden/README.md`);
  for (const [, rel, sha] of listed) {
    const file = path.join(GOLDEN_DIR, rel);
    assert.ok(fs.existsSync(file), `test/golden/${rel} is listed but missing`);
    assert.equal(crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex"), sha, `test/golden/${rel}: sha256`);
  }
});

test("a missing golden fixture fails with its path, it does not skip", () => {
  assert.throws(() => readGoldenJson("shap/no-such-fixture.json"), /golden fixture test\/golden\/shap\/no-such-fixture\.json is missing/);
});

test("the PhaseNet windows are data[2500:5000].T of the recordings they name", (t) => {
  const dataDir = requireRealData(t, "the committed PhaseNet windows against their recordings");
  if (dataDir === null) return;
  const windows = readGoldenJson<{ cases: { name: string; input: string; file: string; data: number[][] }[] }>("signal/phasenet-windows.json");
  assert.equal(windows.cases.length, 2);
  for (const c of windows.cases) {
    assert.match(c.input, /^\.\.\/shared\/data\/phasenet\/\w+\.npz: data\[2500:5000\]\.T$/);
    const npz: NdArray = readNpz(path.join(dataDir, "phasenet", c.file)).data;
    const src = npz.data as Float64Array;
    assert.deepEqual(npz.shape, [9001, 3]);
    for (let ch = 0; ch < 3; ch++) {
      assert.equal(c.data[ch].length, 2500);
      for (let i = 0; i < 2500; i++) {
        if (c.data[ch][i] !== src[(2500 + i) * 3 + ch]) assert.fail(`${c.name} channel ${ch} sample ${i}: ${c.data[ch][i]} vs ${src[(2500 + i) * 3 + ch]}`);
      }
    }
  }
});

/** Runs a one-test file that needs the real recordings in `dataDir`, with `env`; returns its exit status and output. */
function runNeedingRealData(dataDir: string, ci: boolean): { status: number | null; out: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "real-data-"));
  const file = path.join(dir, "needs-real-data.test.ts");
  const helper = path.join(ROOT, "test", "helpers", "golden").replace(/\\/g, "/");
  fs.writeFileSync(
    file,
    `import { test } from "node:test";\nimport { requireRealData } from ${JSON.stringify(helper)};\n` +
      `test("needs the recordings", (t) => { if (requireRealData(t, "something") === null) return; });\n`,
  );
  const env: NodeJS.ProcessEnv = { ...process.env, SEISMIC_XAI_TEST_DATA: dataDir };
  delete env.NODE_TEST_CONTEXT; // else the child sees itself as running inside this test run and runs nothing
  if (ci) env.CI = "true";
  else delete env.CI;
  const run = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-reporter=tap", file], { cwd: ROOT, env, encoding: "utf8" });
  fs.rmSync(dir, { recursive: true, force: true });
  return { status: run.status, out: run.stdout + run.stderr };
}

test("without the recordings a test skips with a message outside CI and fails under CI=true", () => {
  const absent = path.join(os.tmpdir(), "seismic-xai-no-such-folder");
  const outside = runNeedingRealData(absent, false);
  assert.equal(outside.status, 0, outside.out);
  assert.match(outside.out, /# SKIP .*seismic-xai-no-such-folder \(real recordings, see test\/golden\/README\.md\) is absent: something not checked/);
  const ci = runNeedingRealData(absent, true);
  assert.equal(ci.status, 1, ci.out);
  assert.match(ci.out, /CI=true, so this test may not be skipped: .*seismic-xai-no-such-folder/);
  assert.doesNotMatch(ci.out, /# SKIP/);
});
