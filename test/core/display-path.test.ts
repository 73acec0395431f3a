import { test } from "node:test";
import assert from "node:assert/strict";
import os from "node:os";
import path from "node:path";
import { displayPath, redactPaths } from "../../lib/core/display-path";
import { repoRoot } from "../../lib/core/paths";

function withEnv(vars: Record<string, string | undefined>, run: () => void): void {
  const before = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(vars)) if (v === undefined) delete process.env[k];
  else process.env[k] = v;
  try {
    run();
  } finally {
    for (const [k, v] of Object.entries(before)) if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
}

test("displayPath: relative to the project root, or under $SEISMIC_XAI_DATA / $SEISMIC_XAI_DSET, else unchanged", () => {
  withEnv({ SEISMIC_XAI_DATA: undefined, SEISMIC_XAI_DSET: undefined }, () => {
    assert.equal(displayPath(path.join(repoRoot(), "data", "dset")), "data/dset");
    assert.equal(displayPath(repoRoot()), ".");
    assert.equal(displayPath("/nonexistent-root-xyz/a"), "/nonexistent-root-xyz/a");
  });
  const own = path.join(os.tmpdir(), "own-data");
  withEnv({ SEISMIC_XAI_DATA: own, SEISMIC_XAI_DSET: undefined }, () => {
    assert.equal(displayPath(path.join(own, "cache", "x")), "$SEISMIC_XAI_DATA/cache/x");
  });
});

test("redactPaths rewrites the paths inside a log line, not names that merely share their prefix", () => {
  withEnv({ SEISMIC_XAI_DATA: undefined, SEISMIC_XAI_DSET: undefined }, () => {
    const root = repoRoot();
    assert.equal(redactPaths(`reusing the model in ${root}/data/cache/m (key 1)`), "reusing the model in data/cache/m (key 1)");
    assert.equal(redactPaths(`${root}-old/a`), `${root}-old/a`);
    assert.equal(redactPaths("no path here"), "no path here");
  });
  const own = path.join(os.tmpdir(), "dset-own");
  withEnv({ SEISMIC_XAI_DSET: own }, () => {
    assert.equal(redactPaths(`D-set in ${own}: 3 files; ${own}/a.hdf5`), "D-set in $SEISMIC_XAI_DSET: 3 files; $SEISMIC_XAI_DSET/a.hdf5");
  });
});
