import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { generateNorciaDataset, openDSet } from "../../lib/data/index";
import { buildImageCache, loadImageSet, readImageCacheManifest } from "../../lib/spectrogram/image-cache";
import { spectrogramImage } from "../../lib/spectrogram/index";

let root = "";
let dsetDir = "";

before(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "image-cache-"));
  dsetDir = path.join(root, "dset");
  await generateNorciaDataset({ outDir: dsetDir, seed: 3, scale: "tiny", stations: ["NRCA", "MC2"] });
});
after(() => fs.rmSync(root, { recursive: true, force: true }));

test("the cache holds one PNG per trace, equal to spectrogramImage, with a split-free manifest", async () => {
  const cacheDir = path.join(root, "cache-a");
  const manifest = await buildImageCache(dsetDir, { cacheDir, workers: 2 });
  const dset = await openDSet(dsetDir);
  assert.equal(manifest.entries.length, dset.count());
  assert.deepEqual(manifest.shape, [33, 153, 3]);
  const set = loadImageSet(cacheDir);
  assert.equal(set.n, manifest.entries.length);
  for (const i of [0, set.n - 1]) {
    const trace = await dset.readTrace(set.entries[i].trace_name);
    const expected = spectrogramImage(trace).data;
    assert.deepEqual(set.images.subarray(i * expected.length, (i + 1) * expected.length), expected);
    assert.equal(set.entries[i].label, trace.label);
    assert.equal(set.entries[i].station, trace.station);
  }
  dset.close();
  assert.ok(!("split" in manifest.entries[0]));
  const nrca = loadImageSet(cacheDir, (e) => e.station === "NRCA");
  assert.ok(nrca.n > 0 && nrca.entries.every((e) => e.station === "NRCA"));
});

test("an interrupted build resumes: existing PNGs are kept, missing ones rebuilt, same bytes", async () => {
  const cacheDir = path.join(root, "cache-b");
  await buildImageCache(dsetDir, { cacheDir, workers: 0 });
  const first = loadImageSet(cacheDir);
  const victim = path.join(cacheDir, first.entries[3].file);
  const keptFile = path.join(cacheDir, first.entries[0].file);
  const keptMtime = fs.statSync(keptFile).mtimeMs;
  fs.rmSync(victim);
  fs.rmSync(path.join(cacheDir, "manifest.json"));
  let progressCalls = 0;
  await buildImageCache(dsetDir, { cacheDir, workers: 1, onProgress: () => progressCalls++ });
  assert.ok(fs.existsSync(victim));
  assert.equal(fs.statSync(keptFile).mtimeMs, keptMtime);
  assert.deepEqual(loadImageSet(cacheDir).images, first.images);
  assert.ok(progressCalls >= 2);
});

test("clear errors: no cache, a corrupt cached PNG", async () => {
  assert.throws(() => readImageCacheManifest(path.join(root, "nowhere")), /no image cache here/);
  const cacheDir = path.join(root, "cache-c");
  await buildImageCache(dsetDir, { cacheDir, workers: 0, filter: { stations: ["MC2"] } });
  const m = readImageCacheManifest(cacheDir);
  fs.writeFileSync(path.join(cacheDir, m.entries[0].file), Buffer.from([1, 2, 3]));
  assert.throws(() => loadImageSet(cacheDir), (e: Error) => e.message.includes(m.entries[0].file) && /PNG/i.test(e.message));
});
