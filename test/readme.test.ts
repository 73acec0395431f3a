/**
 * The numbers README.md and data/README.md state, checked against the code and the tests that assert them,
 * so that a claim cannot drift from what the repository checks.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { DSET_STATIONS, DSET_TOTAL_TRACES, DSET_USABLE_TRACES } from "../lib/data/stations";
import { NORCIA_MODEL } from "../lib/data/physics";
import { NORCIA_SEQUENCE } from "../lib/data/sequence";
import { tracesPerStation } from "../lib/data/generator";
import { featureRowNames } from "../lib/features/feature-row";
import { PAPER_MAGNITUDE } from "../lib/pipeline/magnitude";
import { studyPresetFromArgs, studySettings } from "../lib/pipeline/study";

const ROOT = path.resolve(__dirname, "..");
const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
const dataReadme = fs.readFileSync(path.join(ROOT, "data", "README.md"), "utf8");
const read = (rel: string) => fs.readFileSync(path.join(ROOT, rel), "utf8");

/** Asserts that `file`'s text states `claim` (line breaks anywhere a space is), without printing the whole file. */
function states(text: string, claim: RegExp, file: string): void {
  const flexible = new RegExp(claim.source.replace(/ /g, "\\s+"), claim.flags);
  assert.ok(flexible.test(text), `${file} no longer states ${claim}`);
}

/**
 * README's accuracy table: per row, the bound it states and where a test asserts it (the test file and a
 * fragment of its source holding that bound).
 */
const ACCURACY_ROWS: readonly { what: string; bound: string; file: string; asserts: readonly string[] }[] = [
  { what: "Telea inpainting", bound: "byte for byte", file: "test/shap/maskers/inpaint-telea.test.ts", asserts: ["matches OpenCV 4.14 byte for byte", "assert.equal(diffs, 0"] },
  { what: "blur fill of the Image masker", bound: "bit for bit", file: "test/shap/maskers/box-blur.test.ts", asserts: ["bit for bit"] },
  { what: "Partition SHAP", bound: "1e-16 absolute", file: "test/shap/partition/partition-explainer.test.ts", asserts: ["close(e.values, run.values, 1e-16", "close(e.baseValues, run.base_values, 1e-16"] },
  { what: "path-dependent TreeSHAP, interaction values", bound: "1e-14 absolute", file: "test/shap/tree/tree-shap.test.ts", asserts: ["flat(c.shap), 1e-14"] },
  { what: "path-dependent TreeSHAP, interaction values", bound: "1e-14 absolute", file: "test/shap/tree/tree-interactions.test.ts", asserts: ["flat(rf.interactions_first3), 1e-14", "flat(h.interactions), 1e-14"] },
  { what: "interventional TreeSHAP", bound: "1e-7 absolute", file: "test/shap/tree/interventional.test.ts", asserts: ["flat(iv.shap), 1e-7", "flat(h.shap), 1e-7"] },
  { what: "forest predictions", bound: "1e-12 absolute", file: "test/shap/tree/sklearn-import.test.ts", asserts: ["rf.prediction, 1e-12"] },
  { what: "spectrograms, Welch PSD", bound: "1e-12 relative", file: "test/spectrogram/spectrogram.test.ts", asserts: ["assert.ok(err < 1e-12"] },
  { what: "spectrograms, Welch PSD", bound: "1e-12 relative", file: "test/spectrogram/welch.test.ts", asserts: ["assert.ok(err < 1e-12"] },
  { what: "the 23 waveform features", bound: "1e-14 relative", file: "test/features/waveform-features.test.ts", asserts: ["<= 1e-14 * Math.abs(expected)", "assert.equal(actual, expected"] },
  { what: "8-bit 33 × 153 × 3 spectrogram images", bound: "byte for byte", file: "test/spectrogram/spectrogram-image.test.ts", asserts: ["matches the reference images byte for byte", "if (ours !== theirs) assert.fail"] },
];

test("README: every bound of the accuracy table is the one a test asserts", () => {
  const rows = readme.split("\n").filter((l) => /^\| [^|]+ \| [^|]+ \| [^|]+ \| [^|]+ \|$/.test(l) && !l.startsWith("| what") && !l.startsWith("|---"));
  for (const claim of ACCURACY_ROWS) {
    const row = rows.find((l) => l.startsWith(`| ${claim.what}`));
    assert.ok(row, `README.md has no accuracy row "${claim.what}"`);
    const stated = row.split("|")[3].trim();
    assert.ok(stated === claim.bound || stated.startsWith(`${claim.bound} (`) || stated.startsWith(`${claim.bound};`), `README.md row "${claim.what}" states "${stated}", the tests assert ${claim.bound}`);
    const source = read(claim.file);
    for (const fragment of claim.asserts) assert.ok(source.includes(fragment), `${claim.file} no longer asserts ${JSON.stringify(fragment)} (README.md row "${claim.what}")`);
  }
});

test("README: 73 features, a 100-tree forest, seven short traces, a 5 kB Telea module", () => {
  states(readme, /predicts magnitude from 73 waveform features/, "README.md");
  assert.equal(featureRowNames().length, 73);
  states(readme, /a 100-tree \*\*random forest\*\*/, "README.md");
  assert.equal(PAPER_MAGNITUDE.nEstimators, 100);
  states(readme, /the seven traces with fewer than three rows are skipped and counted/, "README.md");
  assert.equal(DSET_TOTAL_TRACES - DSET_USABLE_TRACES, 7);
  states(readme, /the compiled 5 kB module is committed/, "README.md");
  const kB = fs.statSync(path.join(ROOT, "lib", "shap", "maskers", "inpaint-telea.wasm")).size / 1000;
  assert.ok(kB >= 4.5 && kB < 5.5, `inpaint-telea.wasm is ${kB} kB`);
});

test("data/README: the usable traces per station and their totals", () => {
  for (const s of DSET_STATIONS) states(dataReadme, new RegExp(`\\b${s.code} ${s.nTracesPre} / ${s.nTracesPost}\\b`), "data/README.md");
  assert.equal(DSET_STATIONS.reduce((a, s) => a + s.nTracesPre + s.nTracesPost, 0), DSET_TOTAL_TRACES);
  states(dataReadme, /These sum to 79,461; seven traces have only one or two rows, leaving the 79,454 usable traces/, "data/README.md");
  assert.deepEqual([DSET_TOTAL_TRACES, DSET_USABLE_TRACES], [79461, 79454]);
});

test("data/README: the generator's model numbers are the code's", () => {
  states(dataReadme, /Q\(f\) = 120 f\^0\.55/, "data/README.md");
  assert.deepEqual([NORCIA_MODEL.q0, NORCIA_MODEL.qExponent], [120, 0.55]);
  states(dataReadme, /vP = 5\.8 and vS = 3\.35 km\/s/, "data/README.md");
  assert.deepEqual([NORCIA_MODEL.vpKmS, NORCIA_MODEL.vsKmS], [5.8, 3.35]);
  states(dataReadme, /median stress drop falls from 30 to 18 bar/, "data/README.md");
  assert.deepEqual([NORCIA_MODEL.stressDropMedianBar.pre, NORCIA_MODEL.stressDropMedianBar.post], [30, 18]);
  states(dataReadme, /npm run data -- --visso # also the visso period \(15 % of the pre count\)/, "data/README.md");
  for (const s of DSET_STATIONS) assert.equal(tracesPerStation("paper", s, "visso"), Math.round(0.15 * s.nTracesPre), s.code);
  states(dataReadme, /after the Norcia Mw 6\.5 mainshock \(2016-10-30 06:40:17 UTC, 07:40:17 CET\)/, "data/README.md");
  assert.equal(NORCIA_SEQUENCE.mainshock.originTime, "2016-10-30T06:40:17Z");
  states(dataReadme, /before the Visso shock \(2016-10-26 17:10 UTC\)/, "data/README.md");
  assert.ok(NORCIA_SEQUENCE.visso.originTime.startsWith("2016-10-26T17:10:"));
});

test("ml-random-forest is a devDependency that only a benchmark imports (README.md, \"Random forest\")", () => {
  const pkg = JSON.parse(read("package.json"));
  assert.equal(pkg.dependencies["ml-random-forest"], undefined);
  assert.ok(pkg.devDependencies["ml-random-forest"], "ml-random-forest is missing from devDependencies");
  const importers: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const rel = `${dir}/${e.name}`;
      if (e.isDirectory()) walk(rel);
      else if (/\.(ts|mjs|js)$/.test(e.name) && /from\s+["']ml-random-forest["']|require\(\s*["']ml-random-forest["']/.test(read(rel))) importers.push(rel);
    }
  };
  for (const dir of ["lib", "scripts", "bench"]) walk(dir);
  assert.deepEqual(importers, ["bench/forest.bench.ts"]);
  states(readme, /ml-random-forest is only a devDependency, for that benchmark/, "README.md");
});

test("README, the explorer: its commands exist, the port is the server's, and the 1e-6 claim is the browser test's", () => {
  const pkg = JSON.parse(read("package.json"));
  for (const script of ["site", "site:serve", "test:site"]) {
    states(readme, new RegExp(`\`npm run ${script}\``), "README.md");
    assert.ok(pkg.scripts[script], `package.json has no "${script}" script`);
  }
  states(readme, /serves it at http:\/\/127\.0\.0\.1:8017\//, "README.md");
  assert.ok(read("site/serve.ts").includes("process.env.PORT ?? 8017"), "site/serve.ts no longer serves on 8017");
  states(readme, /its SHAP values equal the library's in Node to 1e-6/, "README.md");
  const browserTest = pkg.scripts["test:site"].split(" ").find((a: string) => a.endsWith("explorer.browser-test.ts"));
  assert.ok(browserTest, "test:site no longer runs test/site/explorer.browser-test.ts");
  assert.ok(read(browserTest).includes("assert.ok(maxDiff <= 1e-6"), "the browser test no longer asserts 1e-6");
  states(readme, /max_evals 1000 by default/, "README.md");
  assert.ok(read("site/index.html").includes('id="max-evals" type="number" value="1000"'), "the page's default max_evals is not 1000");
  states(readme, /!\[The explorer\]\(figures\/explorer\.png\)/, "README.md");
  assert.ok(fs.existsSync(path.join(ROOT, "figures", "explorer.png")), "figures/explorer.png is missing (npm run site:screenshot)");
});

test("README, Jupyter: the pip and the Debian routes are the install hints of the browser test, which drives both UIs", () => {
  const pkg = JSON.parse(read("package.json"));
  const browserTest = read(pkg.scripts["test:browser"].split(" ").pop());
  assert.ok(pkg.scripts.kernel, 'package.json has no "kernel" script');
  // the README's two routes, and the same commands in the browser test's "missing Jupyter" message
  for (const line of ["python3 -m venv .cache/jupyterlab", ".cache/jupyterlab/bin/pip install jupyterlab", ".cache/jupyterlab/bin/jupyter lab notebooks/", "sudo apt-get install jupyter-notebook", "jupyter notebook notebooks/"]) {
    assert.ok(readme.split("\n").some((l) => l.startsWith(line)), `README.md no longer gives the command ${line}`);
  }
  assert.ok(browserTest.includes('INSTALL_LAB = "python3 -m venv .cache/jupyterlab && .cache/jupyterlab/bin/pip install jupyterlab"'), "the browser test names another pip route");
  assert.ok(browserTest.includes('INSTALL_NOTEBOOK = "sudo apt-get install jupyter-notebook"'), "the browser test names another apt route");
  // the UI switches the README names
  states(readme, /`-- --notebook` \(or `JUPYTER_UI=notebook`\) tests the classic Notebook/, "README.md");
  for (const flag of ['args.includes("--notebook")', 'args.includes("--lab")', "process.env.JUPYTER_UI", "const classicUi: Ui", "const labUi: Ui"]) {
    assert.ok(browserTest.includes(flag), `the browser test no longer has ${flag}`);
  }
  // CI runs the classic Notebook too (.ci/run's browser block)
  assert.match(read(".ci/run"), /npm run test:browser -- --notebook/);
});

test("README, at full size: the command selects the paper preset, whose budget and counts the README states; its summary is committed", () => {
  const env: NodeJS.ProcessEnv = {};
  assert.equal(studyPresetFromArgs(["--paper"], env), "paper");
  states(readme, /SEISMIC_XAI_DSET=DIR npm run reproduce -- --paper/, "README.md");
  const paper = studySettings(undefined, "paper");
  const loo = paper.cnn.leaveOneOut;
  assert.ok(loo !== false && loo !== undefined && loo.maxTrainImages !== null && loo.maxTrainImages !== undefined, "the paper preset has no leave-one-station-out budget");
  states(readme, new RegExp(`leave-one-station-out at a budget of ${loo.epochs} epochs on at most ${loo.maxTrainImages.toLocaleString("en-US")} training\\s+images per fold`), "README.md");
  states(readme, new RegExp(`for ${paper.cnn.epochs} epochs`), "README.md");
  states(readme, new RegExp(`${paper.classMaps.nPerClass} correctly classified test images per class and model explained at\\s+max_evals ${paper.classMaps.maxEvals}`), "README.md");
  const summary = read("results/paper-scale/summary.md");
  assert.match(summary, /^# seismic-xai, paper settings/);
  assert.match(summary, new RegExp(`\\(${paper.classMaps.nPerClass} images averaged\\)`));
  assert.doesNotMatch(summary, /\/(work|home|tmp)\//, "an absolute path in the committed summary");
});
