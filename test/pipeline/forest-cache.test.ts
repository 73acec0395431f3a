import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Rng } from "../../lib/core/rng";
import { trainForestCached } from "../../lib/pipeline/forest-cache";

function data(seed: number): { X: Float64Array; y: Float64Array } {
  const rng = new Rng(seed);
  const X = Float64Array.from({ length: 60 * 3 }, () => rng.normal());
  const y = Float64Array.from({ length: 60 }, (_, i) => 2 * X[3 * i] - X[3 * i + 2]);
  return { X, y };
}

test("trains once, then reloads the same forest; other data or settings train anew; a broken file is replaced", async () => {
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "forest-cache-"));
  try {
    const { X, y } = data(1);
    const request = { forestOptions: { nEstimators: 3, seed: 1 }, X, nRows: 60, nFeatures: 3, y, cacheDir };
    const a = await trainForestCached(request);
    assert.equal(a.fromCache, false);
    assert.match(path.basename(a.file!), /^forest-[0-9a-f]{16}\.json$/);
    const b = await trainForestCached(request);
    assert.equal(b.fromCache, true);
    assert.equal(b.file, a.file);
    assert.deepEqual(b.forest.predict(X, 60), a.forest.predict(X, 60));
    const otherY = await trainForestCached({ ...request, y: y.map((v) => v + 1) });
    const otherSeed = await trainForestCached({ ...request, forestOptions: { nEstimators: 3, seed: 2 } });
    assert.ok(!otherY.fromCache && !otherSeed.fromCache);
    assert.equal(new Set([a.file, otherY.file, otherSeed.file]).size, 3);
    fs.writeFileSync(a.file!, "{ truncated");
    const c = await trainForestCached(request);
    assert.equal(c.fromCache, false);
    assert.deepEqual(c.forest.predict(X, 60), a.forest.predict(X, 60));
    assert.equal((await trainForestCached(request)).fromCache, true);
    const none = await trainForestCached({ ...request, cacheDir: undefined });
    assert.equal(none.file, null);
    assert.equal(fs.readdirSync(cacheDir).filter((f) => f.endsWith(".tmp")).length, 0);
  } finally {
    fs.rmSync(cacheDir, { recursive: true, force: true });
  }
});

test("a file holding another forest under this key's name is found by its key, retrained and replaced, with a message", async () => {
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "forest-cache-"));
  try {
    const { X, y } = data(3);
    const request = { forestOptions: { nEstimators: 2, seed: 1 }, X, nRows: 60, nFeatures: 3, y, cacheDir, log: false as const };
    const a = await trainForestCached(request);
    const other = await trainForestCached({ ...request, y: y.map((v) => -v) });
    fs.copyFileSync(other.file!, a.file!);
    const lines: string[] = [];
    const again = await trainForestCached({ ...request, log: (l: string) => lines.push(l) });
    assert.equal(again.fromCache, false);
    assert.deepEqual(again.forest.predict(X, 60), a.forest.predict(X, 60));
    assert.equal(lines.length, 1);
    assert.match(lines[0], /holds a forest trained on other data or settings \(its key differs\); training again/);
    assert.equal((await trainForestCached(request)).fromCache, true);
  } finally {
    fs.rmSync(cacheDir, { recursive: true, force: true });
  }
});

test("an unwritable cache folder is an error naming it before any tree is trained", async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "forest-cache-"));
  try {
    const file = path.join(root, "file");
    fs.writeFileSync(file, "");
    const { X, y } = data(4);
    let trees = 0;
    await assert.rejects(
      trainForestCached({ forestOptions: { nEstimators: 2, seed: 1 }, X, nRows: 60, nFeatures: 3, y, cacheDir: path.join(file, "forests"), trainOptions: { onProgress: () => trees++ } }),
      (e: Error) => e.message.startsWith(path.join(file, "forests")) && /ENOTDIR/.test(e.message),
    );
    assert.equal(trees, 0);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
