import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { InputError } from "../../lib/core/errors";
import { STUDY_PRESETS, studyFolders, studyPreset, studyPresetFromArgs, studySettings } from "../../lib/pipeline/study";

test("the preset comes from QUICK, then SEISMIC_XAI_SETTINGS, else default", () => {
  assert.equal(studyPreset({}), "default");
  assert.equal(studyPreset({ QUICK: "1" }), "quick");
  assert.equal(studyPreset({ QUICK: "1", SEISMIC_XAI_SETTINGS: "paper" }), "quick", "CI's QUICK=1 wins");
  assert.equal(studyPreset({ QUICK: "0", SEISMIC_XAI_SETTINGS: "paper" }), "paper");
  assert.equal(studyPreset({ SEISMIC_XAI_SETTINGS: "quick" }), "quick");
  const env: NodeJS.ProcessEnv = {};
  assert.equal(studyPresetFromArgs(["--paper"], env), "paper", "npm run reproduce -- --paper");
  assert.equal(env.SEISMIC_XAI_SETTINGS, "paper", "the notebooks' kernels inherit the choice");
  assert.equal(studyPresetFromArgs([], {}), "default");
  assert.equal(studyPresetFromArgs(["--paper"], { QUICK: "1" }), "quick");
  assert.throws(() => studyPreset({ SEISMIC_XAI_SETTINGS: "full" }), (e: unknown) => e instanceof InputError && /SEISMIC_XAI_SETTINGS: "full" is not a preset: use quick, default, paper/.test(e.message));
});

test("one settings object per preset: the experiments notebooks 03-08 share", () => {
  const folders = { dsetDir: "/d", cacheDir: (name: string) => path.join("/c", name), resultsDir: "/r" };
  const quick = studySettings(folders, "quick");
  // The values the notebooks' config cells held before they were defined here.
  assert.deepEqual({ ...quick.cnn, leaveOneOut: { ...(quick.cnn.leaveOneOut as object) } }, {
    imageCacheDir: "/c/images",
    cacheDir: "/c/cnn",
    resultsDir: "/r",
    seed: 42,
    epochs: 1,
    batchSize: 32,
    maxTrainImages: 120,
    leaveOneOut: { epochs: 1, maxTrainImages: 60 },
    groupedByEvent: false,
  });
  assert.deepEqual({ ...quick.shapImage }, { image: 0, maxEvals: 100, batchSize: 50, outputs: 2 });
  assert.deepEqual({ ...quick.classMaps }, { nPerClass: 2, maxEvals: 64, batchSize: 50, seed: 42, outDir: "/c/shap" });
  assert.deepEqual({ ...quick.forest }, { nEstimators: 10, nExplain: 20, seed: 42, perStation: true, cacheDir: "/c/forests" });
  const def = studySettings(folders, "default");
  const paper = studySettings(folders, "paper");
  assert.equal(def.cnn.epochs, 10);
  assert.equal(def.cnn.maxTrainImages, undefined, "the default trains on the whole training split");
  assert.deepEqual({ ...(def.cnn.leaveOneOut as object) }, { epochs: 4, maxTrainImages: 1800 });
  assert.equal(def.classMaps.nPerClass, 24);
  assert.equal(def.classMaps.maxEvals, 1000);
  assert.equal(def.forest.nEstimators, 100);
  assert.equal(def.spectra.selection.maxDistanceKm, 5);
  assert.equal(quick.spectra.selection.maxDistanceKm, 15);
  if (!process.env.SEISMIC_XAI_DSET) {
    assert.deepEqual({ ...quick.dataset }, { dir: "/d", scale: "tiny", seed: 42, label: "the generated tiny data set", generated: true });
    assert.equal(def.dataset.scale, "default");
    assert.equal(paper.dataset.scale, "default", "the paper's settings run on whatever data set is configured");
  }
  assert.equal(paper.cnn.epochs, 10);
  assert.equal(paper.cnn.maxTrainImages, undefined);
  assert.deepEqual({ ...(paper.cnn.leaveOneOut as object) }, { epochs: 3, maxTrainImages: 16000 });
  assert.equal(paper.classMaps.nPerClass, 300);
  assert.equal(paper.classMaps.maxEvals, 1000);
  assert.equal(paper.forest.nExplain, 100);
  assert.match(paper.description, /3 epochs on at most 16,000 images per fold/);
  for (const preset of STUDY_PRESETS) {
    const s = studySettings(folders, preset);
    assert.equal(s.preset, preset);
    assert.equal(s.seed, 42);
    assert.ok(Object.isFrozen(s.cnn) && Object.isFrozen(s.classMaps), "the settings cannot be changed by accident");
  }
  assert.ok(!Object.isFrozen(folders), "the caller's folders object is left alone");
  assert.throws(() => studySettings(folders, "full" as never), /"full" is not a preset/);
});

test("default folders follow setupNotebook's layout", () => {
  const quick = studyFolders("quick");
  const full = studyFolders("default");
  assert.match(quick.cacheDir("cnn"), /data\/cache\/quick\/cnn$/);
  assert.match(full.cacheDir("cnn"), /data\/cache\/full\/cnn$/);
  assert.match(quick.resultsDir, /results\/quick$/);
  if (!process.env.SEISMIC_XAI_DSET) assert.match(quick.dsetDir, /data\/dset-tiny$/);
  assert.equal(studySettings(undefined, "paper").folders.resultsDir, full.resultsDir);
});

test("a D-set folder in $SEISMIC_XAI_DSET is described as generated when it holds the generator's manifest", () => {
  const saved = process.env.SEISMIC_XAI_DSET;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "study-dset-"));
  try {
    process.env.SEISMIC_XAI_DSET = dir;
    const folders = { dsetDir: dir, cacheDir: (name: string) => path.join(dir, name), resultsDir: dir };
    const real = studySettings(folders, "paper").dataset;
    assert.equal(real.generated, false);
    assert.equal(real.label, "the D-set in $SEISMIC_XAI_DSET");
    fs.writeFileSync(path.join(dir, "generator.json"), JSON.stringify({ generator: "seismic-xai Norcia generator", scale: "paper" }));
    const generated = studySettings(folders, "paper").dataset;
    assert.equal(generated.generated, true);
    assert.equal(generated.label, "the generated paper-scale data set in $SEISMIC_XAI_DSET");
    assert.equal(generated.scale, null, "nothing to generate: the folder is used as it is");
  } finally {
    if (saved === undefined) delete process.env.SEISMIC_XAI_DSET;
    else process.env.SEISMIC_XAI_DSET = saved;
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
