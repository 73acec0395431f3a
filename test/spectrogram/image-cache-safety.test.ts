// The image cache under interruption (kill -9 at named points), data-set changes and concurrent runs
// (issue 14, cases 2, 3 and 6 for the image cache).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { acquireLock, lockFileOf } from "../../lib/core/cache-lock";
import { InputError } from "../../lib/core/errors";
import { openDSet } from "../../lib/data/index";
import { buildImageCache, loadImageSet, readImageCacheManifest, type ImageSet } from "../../lib/spectrogram/image-cache";
import { runChild, startChild } from "../helpers/child";
import { replaceDSet, setCsvField, tinyDSet } from "../helpers/dset-copies";

let root = "";
let dsetA = "";
let dsetB = "";
let refB: ImageSet;

before(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "image-cache-safety-"));
  dsetA = await tinyDSet(path.join(root, "dset-a"), 3, ["NRCA"]);
  dsetB = await tinyDSet(path.join(root, "dset-b"), 4, ["NRCA"]);
  await buildImageCache(dsetB, { cacheDir: path.join(root, "ref-b"), workers: 0, log: false });
  refB = loadImageSet(path.join(root, "ref-b"));
});
after(() => fs.rmSync(root, { recursive: true, force: true }));

function pngCount(cacheDir: string): number {
  let n = 0;
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name));
      else if (e.name.endsWith(".png")) n++;
    }
  };
  walk(path.join(cacheDir, "images"));
  return n;
}

function sameImages(got: ImageSet, expected: ImageSet): void {
  assert.deepEqual(got.entries.map((e) => e.trace_name), expected.entries.map((e) => e.trace_name));
  assert.deepEqual(got.images, expected.images);
}

test("a build killed before its manifest, then another data set in the folder: no old PNG survives the rebuild (case 2)", async () => {
  const dset = path.join(root, "changing");
  replaceDSet(dsetA, dset);
  const cacheDir = path.join(root, "case2");
  const killed = runChild({ action: "images", dsetDir: dset, cacheDir }, { killAt: "image-cache:png-written:30" });
  assert.equal(killed.signal, "SIGKILL", killed.stderr);
  assert.ok(!fs.existsSync(path.join(cacheDir, "manifest.json")));
  assert.ok(pngCount(cacheDir) >= 30);
  assert.throws(() => readImageCacheManifest(cacheDir), /no image cache here \(manifest\.json missing\): build it/);
  replaceDSet(dsetB, dset, { preserveTimestamps: true });
  const lines: string[] = [];
  const manifest = await buildImageCache(dset, { cacheDir, workers: 0, log: (l) => lines.push(l) });
  assert.match(lines.join("\n"), /removed images of another data set or version; building them again/);
  assert.equal(manifest.entries.length, refB.n);
  assert.equal(pngCount(cacheDir), refB.n);
  sameImages(loadImageSet(cacheDir), refB);
});

test("images left by an interrupted build of unknown origin (no provenance record) are not trusted", async () => {
  const cacheDir = path.join(root, "unknown-origin");
  assert.equal(runChild({ action: "images", dsetDir: dsetA, cacheDir }, { killAt: "image-cache:png-written:10" }).signal, "SIGKILL");
  fs.rmSync(path.join(cacheDir, "images", "provenance.json"));
  const lines: string[] = [];
  await buildImageCache(dsetB, { cacheDir, workers: 0, log: (l) => lines.push(l) });
  assert.match(lines.join("\n"), /removed images of unknown origin/);
  sameImages(loadImageSet(cacheDir), refB);
});

test("a build killed on the same data resumes: the PNGs it wrote are kept, the rest built, same bytes", async () => {
  const cacheDir = path.join(root, "resume");
  assert.equal(runChild({ action: "images", dsetDir: dsetB, cacheDir }, { killAt: "image-cache:png-written:30" }).signal, "SIGKILL");
  const lines: string[] = [];
  let firstDone = -1;
  await buildImageCache(dsetB, { cacheDir, workers: 0, log: (l) => lines.push(l), onProgress: (d) => (firstDone < 0 ? (firstDone = d) : 0) });
  assert.ok(firstDone >= 30, `resumed at ${firstDone}`);
  assert.match(lines.join("\n"), /resuming, \d+ of 40 images already built/);
  sameImages(loadImageSet(cacheDir), refB);
});

test("two builds at once on a folder holding a stale manifest: both succeed, and the cache is whole (case 3)", async () => {
  const dset = path.join(root, "concurrent-dset");
  replaceDSet(dsetA, dset);
  const cacheDir = path.join(root, "concurrent");
  await buildImageCache(dset, { cacheDir, workers: 0, log: false });
  replaceDSet(dsetB, dset);
  const a = startChild({ action: "images", dsetDir: dset, cacheDir, workers: 1 });
  const b = startChild({ action: "images", dsetDir: dset, cacheDir, workers: 1 });
  const [ra, rb] = await Promise.all([a.result, b.result]);
  assert.equal(ra.status, 0, ra.stderr);
  assert.equal(rb.status, 0, rb.stderr);
  assert.deepEqual([JSON.parse(ra.stdout).nEntries, JSON.parse(rb.stdout).nEntries], [refB.n, refB.n]);
  assert.equal(pngCount(cacheDir), refB.n);
  sameImages(loadImageSet(cacheDir), refB);
});

test("a build waits for the run holding the folder, or stops naming it; a reader meanwhile is told the cache is being built", async () => {
  const cacheDir = path.join(root, "locked");
  const lock = await acquireLock(lockFileOf(cacheDir), { purpose: "the image cache", log: false });
  await assert.rejects(buildImageCache(dsetB, { cacheDir, workers: 0, log: false, lockWaitMs: 0 }), new RegExp(`the image cache here is being written by process ${process.pid}`));
  assert.throws(() => readImageCacheManifest(cacheDir), new RegExp(`process ${process.pid} .* is building it now: wait for it to finish`));
  const lines: string[] = [];
  const waiting = buildImageCache(dsetB, { cacheDir, workers: 0, log: (l) => lines.push(l) });
  await new Promise((resolve) => setImmediate(resolve));
  assert.match(lines.join("\n"), /is writing the image cache in .*: waiting for it to finish/);
  lock.release();
  await waiting;
  sameImages(loadImageSet(cacheDir), refB);
});

test("readers check what they read: a changed D-set, a PNG swapped for another, a missing magnitude read back as NaN", async () => {
  const dset = path.join(root, "reader-dset");
  replaceDSet(dsetA, dset);
  const cacheDir = path.join(root, "reader");
  const m = await buildImageCache(dset, { cacheDir, workers: 0, log: false });
  // Another image of the same cache put in the place of the first: same kind of file, other bytes.
  const first = path.join(cacheDir, m.entries[0].file);
  const saved = fs.readFileSync(first);
  fs.copyFileSync(path.join(cacheDir, m.entries[1].file), first);
  assert.throws(() => loadImageSet(cacheDir), (e: Error) => e instanceof InputError && e.message.startsWith(first) && /not the one the manifest names/.test(e.message));
  fs.writeFileSync(first, saved);
  assert.equal(loadImageSet(cacheDir).n, m.entries.length);
  // The D-set changes under the cache: the reader refuses it until it is rebuilt.
  replaceDSet(dsetB, dset);
  assert.throws(() => loadImageSet(cacheDir), /built from other files than the D-set now in .*reader-dset.*build the cache again/);
  // A magnitude that is not a number stays NaN in the manifest's entries.
  const name = refB.entries[5].trace_name;
  setCsvField(dset, name, "source_magnitude", "n/a");
  await buildImageCache(dset, { cacheDir, workers: 0, log: false });
  const entry = readImageCacheManifest(cacheDir).entries.find((e) => e.trace_name === name)!;
  assert.ok(Number.isNaN(entry.source_magnitude), String(entry.source_magnitude));
  const dsetNow = await openDSet(dset);
  assert.equal(dsetNow.count(), readImageCacheManifest(cacheDir).entries.length);
  dsetNow.close();
});

test("an unwritable cache folder: our error naming it, before any image is computed (case 6)", async () => {
  const file = path.join(root, "plain-file");
  fs.writeFileSync(file, "");
  let progress = 0;
  await assert.rejects(
    buildImageCache(dsetB, { cacheDir: path.join(file, "images"), onProgress: () => progress++, log: false }),
    (e: unknown) => e instanceof InputError && e.message.startsWith(path.join(file, "images")) && /ENOTDIR/.test(e.message),
  );
  assert.equal(progress, 0);
});

test("beyond the issue: kill -9 just before the manifest, or a truncated manifest: the next build writes it without recomputing an image", async () => {
  const cacheDir = path.join(root, "before-manifest");
  assert.equal(runChild({ action: "images", dsetDir: dsetB, cacheDir }, { killAt: "image-cache:before-manifest" }).signal, "SIGKILL");
  let firstDone = -1;
  await buildImageCache(dsetB, { cacheDir, workers: 0, log: false, onProgress: (d) => (firstDone < 0 ? (firstDone = d) : 0) });
  assert.equal(firstDone, refB.n);
  sameImages(loadImageSet(cacheDir), refB);
  fs.writeFileSync(path.join(cacheDir, "manifest.json"), '{"format": "seismic-xai-image-cache", "entr');
  assert.throws(() => loadImageSet(cacheDir), /manifest\.json: cannot be read/);
  firstDone = -1;
  await buildImageCache(dsetB, { cacheDir, workers: 0, log: false, onProgress: (d) => (firstDone < 0 ? (firstDone = d) : 0) });
  assert.equal(firstDone, refB.n);
  sameImages(loadImageSet(cacheDir), refB);
});

test("beyond the issue: another filter on the same data reuses the PNGs; a second identical call computes nothing", async () => {
  const cacheDir = path.join(root, "filters");
  await buildImageCache(dsetB, { cacheDir, workers: 0, log: false, filter: { periods: ["pre"] } });
  const before = fs.statSync(path.join(cacheDir, "manifest.json")).mtimeMs;
  let firstDone = -1;
  const all = await buildImageCache(dsetB, { cacheDir, workers: 0, log: false, onProgress: (d) => (firstDone < 0 ? (firstDone = d) : 0) });
  const nPre = all.entries.filter((e) => e.period === "pre").length;
  assert.ok(nPre > 0 && firstDone === nPre, `${firstDone} of ${nPre}`);
  sameImages(loadImageSet(cacheDir), refB);
  const again = await buildImageCache(dsetB, { cacheDir, workers: 0, log: false });
  assert.deepEqual(again, all);
  assert.ok(fs.statSync(path.join(cacheDir, "manifest.json")).mtimeMs >= before);
});
