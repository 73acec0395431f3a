// trainCnnExperiment's model cache: an unwritable cache folder fails before the first epoch (issue 14, case 6).
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { InputError } from "../../lib/core/errors";
import { trainCnnExperiment } from "../../lib/pipeline/cnn-experiment";
import { buildImageCache } from "../../lib/spectrogram/image-cache";
import { tinyDSet } from "../helpers/dset-copies";

test("an unwritable model cache is an error naming the folder before any epoch is trained", async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "cnn-experiment-cache-"));
  try {
    const dsetDir = await tinyDSet(path.join(root, "dset"), 7, ["NRCA"]);
    const imageCacheDir = path.join(root, "images");
    await buildImageCache(dsetDir, { cacheDir: imageCacheDir, workers: 0, log: false });
    const file = path.join(root, "a-file");
    fs.writeFileSync(file, "");
    let epochs = 0;
    await assert.rejects(
      trainCnnExperiment({ name: "nrca", imageCacheDir, stations: ["NRCA"], split: "random", epochs: 1, cacheDir: path.join(file, "cnn"), onEpoch: () => epochs++, log: false }),
      (e: unknown) => e instanceof InputError && e.message.startsWith(path.join(file, "cnn")) && /ENOTDIR/.test(e.message) && /the model of nrca/.test(e.message),
    );
    assert.equal(epochs, 0);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
