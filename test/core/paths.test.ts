import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { cacheDir, dataDir, defaultDSetDir, repoRoot, resultsDir } from "../../lib/core/paths";

/** Runs `fn` with the two variables set as given (undefined: unset), then restores them. */
function withEnv(env: { SEISMIC_XAI_DATA?: string; SEISMIC_XAI_DSET?: string }, fn: () => void): void {
  const saved = { SEISMIC_XAI_DATA: process.env.SEISMIC_XAI_DATA, SEISMIC_XAI_DSET: process.env.SEISMIC_XAI_DSET };
  try {
    for (const key of ["SEISMIC_XAI_DATA", "SEISMIC_XAI_DSET"] as const) {
      if (env[key] === undefined) delete process.env[key];
      else process.env[key] = env[key];
    }
    fn();
  } finally {
    for (const key of ["SEISMIC_XAI_DATA", "SEISMIC_XAI_DSET"] as const) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  }
}

test("the repository root holds package.json named seismic-xai; results/ sits under it", () => {
  const root = repoRoot();
  assert.equal(JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).name, "seismic-xai");
  assert.equal(resultsDir(), path.join(root, "results"));
});

test("data/, data/dset and data/cache by default; SEISMIC_XAI_DATA replaces data/, SEISMIC_XAI_DSET names the D-set (data/README.md)", () => {
  const root = repoRoot();
  withEnv({}, () => {
    assert.equal(dataDir(), path.join(root, "data"));
    assert.equal(defaultDSetDir(), path.join(root, "data", "dset"));
    assert.equal(cacheDir("images"), path.join(root, "data", "cache", "images"));
  });
  withEnv({ SEISMIC_XAI_DATA: "/tmp/elsewhere" }, () => {
    assert.equal(dataDir(), "/tmp/elsewhere");
    assert.equal(defaultDSetDir(), path.join("/tmp/elsewhere", "dset"));
    assert.equal(cacheDir("cnn"), path.join("/tmp/elsewhere", "cache", "cnn"));
  });
  withEnv({ SEISMIC_XAI_DATA: "/tmp/elsewhere", SEISMIC_XAI_DSET: "relative/dset" }, () => {
    assert.equal(defaultDSetDir(), path.resolve("relative/dset"));
    assert.equal(cacheDir(), path.join("/tmp/elsewhere", "cache", ""));
  });
});
