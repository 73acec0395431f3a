/**
 * `npm run site`: builds the explorer, a static site in site/dist/ (git-ignored) that any static file server
 * serves (no server code, no CDN). It ships what the pipeline produced for the current settings
 * (studySettings(): QUICK=1 selects the quick preset):
 * - data/models/<name>/: the trained NRCA and all-stations CNNs as tf.js model.json + weights (saveCnn),
 *   trained first (notebook 03's runCnnExperiments, cached) when the cache has none;
 * - data/traces/<id>.json: SAMPLES_PER_CLASS test traces per station and class of the all-stations test split,
 *   each with its three-component waveform (float32, E N Z x 2500 at 100 Hz), its 33 x 153 x 3 spectrogram
 *   image and its metadata; data/index.json lists models, traces and the image axes;
 * - data/class-maps-<name>.json: the class-averaged SHAP maps (Fig. 3 and 4) of results/shap-<name>.json when
 *   notebook 05 wrote them;
 * - the page (index.html, style.css), its bundles (esbuild: main.js, worker.js), plotly.js-dist, tf.js' wasm
 *   binaries and the Telea kernel (lib/shap/maskers/inpaint-telea.wasm).
 * Writes into a temporary folder and renames it over site/dist at the end, so a killed build leaves the last
 * good site.
 */
import fs from "node:fs";
import path from "node:path";
import * as esbuild from "esbuild";
import { buildImageCache, ensureDataset, loadCnnExperiment, runCnnExperiments, saveCnn, studySettings, type StudyPreset } from "../lib/index";
import { readCnnShapResults } from "../lib/pipeline/cnn-shap-results";

/** Test traces per station and class shipped with the site. */
export const SAMPLES_PER_CLASS = 2;
/** The models shipped, by their experiment names (lib/pipeline/cnn-experiments.ts). */
export const SITE_MODELS = [
  { name: "nrca", label: "NRCA (trained on station NRCA)" },
  { name: "all-stations", label: "All stations" },
] as const;

const siteDir = __dirname;
const repo = path.join(siteDir, "..");

/** Node-only modules reached by lib code that the browser never runs: see src/node-shim.ts. */
const NODE_MODULES = ["fs", "path", "zlib", "crypto", "worker_threads", "os", "url", "child_process", "util", "module", "buffer"];

const shimOf = (m: string): string => path.join(siteDir, "src", m === "zlib" ? "zlib-shim.ts" : "node-shim.ts");

/** The esbuild options that give lib code its browser stand-ins for Node: `node:*` aliases and a global Buffer. */
export const BROWSER_SHIMS: Pick<esbuild.BuildOptions, "alias" | "inject"> = {
  alias: Object.fromEntries(NODE_MODULES.flatMap((m) => [[`node:${m}`, shimOf(m)], [m, shimOf(m)]])),
  inject: [path.join(siteDir, "src", "buffer-shim.ts")],
};

/** Options of `buildSite`. */
export interface BuildSiteOptions {
  /** @default site/dist */
  readonly outDir?: string;
  /** The study preset whose models and traces are shipped. @default the environment's (QUICK=1: "quick") */
  readonly preset?: StudyPreset;
}

/** Builds the site (see the file comment); returns its folder, size in bytes and number of traces. */
export async function buildSite(options: BuildSiteOptions = {}): Promise<{ outDir: string; bytes: number; traces: number }> {
  const t0 = Date.now();
  const outDir = options.outDir ?? path.join(siteDir, "dist");
  const study = options.preset ? studySettings(undefined, options.preset) : studySettings();
  const tmp = `${outDir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(path.join(tmp, "data", "traces"), { recursive: true });
  console.error(`site: ${study.description}`);

  const dataset = await ensureDataset({ dir: study.dataset.dir, scale: study.dataset.scale, seed: study.seed });
  let loaded;
  try {
    loaded = await loadCnnExperiment(SITE_MODELS[0].name, study.cnn);
  } catch (e) {
    console.error(`site: ${e instanceof Error ? e.message : String(e)}`);
    console.error("site: so building the images and training the models of these settings first (notebook 03's step, cached)");
    await buildImageCache(study.dataset.dir, { cacheDir: study.cnn.imageCacheDir });
    await runCnnExperiments({ ...study.cnn });
    loaded = await loadCnnExperiment(SITE_MODELS[0].name, study.cnn);
  }
  loaded.dispose();

  const models = [];
  const traces: unknown[] = [];
  let axes: unknown = null;
  for (const m of SITE_MODELS) {
    const exp = await loadCnnExperiment(m.name, study.cnn);
    await saveCnn(exp.model, path.join(tmp, "data", "models", m.name));
    models.push({ name: m.name, label: m.label, url: `data/models/${m.name}/model.json`, accuracy: exp.metrics?.accuracy ?? null });
    if (m.name === "all-stations") {
      const taken = new Map<string, number>();
      for (let i = 0; i < exp.test.n; i++) {
        const image = exp.test.image(i);
        const key = `${image.station}/${image.label}`;
        if ((taken.get(key) ?? 0) >= SAMPLES_PER_CLASS) continue;
        taken.set(key, (taken.get(key) ?? 0) + 1);
        const trace = await dataset.dset.readTrace(image.traceName);
        const id = `${image.station}-${image.labelName}-${taken.get(key)}`;
        const waveform = Float32Array.from(trace.data);
        fs.writeFileSync(
          path.join(tmp, "data", "traces", `${id}.json`),
          JSON.stringify({
            id,
            traceName: image.traceName,
            station: image.station,
            label: image.label,
            labelName: image.labelName,
            channels: trace.stats.channels,
            samplingRateHz: trace.stats.samplingRateHz,
            nSamples: trace.stats.nSamples,
            pArrivalS: (trace.stats.pArrivalSample ?? 500) / trace.stats.samplingRateHz,
            startTime: trace.stats.startTime ?? null,
            metadata: trace.metadata,
            waveformFloat32: Buffer.from(waveform.buffer).toString("base64"),
            imageUint8: Buffer.from(image.data).toString("base64"),
          }),
        );
        traces.push({ id, station: image.station, labelName: image.labelName, traceName: image.traceName, url: `data/traces/${id}.json` });
      }
      axes = { freqsHz: Array.from(exp.test.image(0).freqsHz), timesS: Array.from(exp.test.image(0).timesS), pArrivalS: exp.test.image(0).pArrivalS };
    }
    exp.dispose();
  }
  dataset.dset.close();

  const classMaps = [];
  for (const m of SITE_MODELS) {
    try {
      const r = readCnnShapResults(study.cnn.resultsDir, m.name);
      const file = `data/class-maps-${m.name}.json`;
      const json = { name: m.name, label: m.label, freqsHz: Array.from(r.axes.freqsHz), timesS: Array.from(r.axes.timesS), pArrivalS: r.axes.pArrivalS, classes: r.classes.map((c) => ({ name: c.name, count: c.count, map: Array.from(c.map) })) };
      fs.writeFileSync(path.join(tmp, file), JSON.stringify(json));
      classMaps.push({ name: m.name, label: m.label, url: file });
    } catch (e) {
      console.error(`site: no class-averaged maps for ${m.name} (${e instanceof Error ? e.message : String(e)}); run notebook 05 to add them`);
    }
  }
  fs.writeFileSync(path.join(tmp, "data", "index.json"), JSON.stringify({ preset: study.preset, description: study.description, models, traces, axes, classMaps }, null, 1));

  await esbuild.build({
    entryPoints: { main: path.join(siteDir, "src", "main.ts"), worker: path.join(siteDir, "src", "worker.ts") },
    bundle: true,
    minify: true,
    format: "iife",
    platform: "browser",
    target: "es2020",
    outdir: tmp,
    logLevel: "warning",
    ...BROWSER_SHIMS,
    external: ["@resvg/resvg-js", "@tensorflow/tfjs-node", "h5wasm"],
    define: { "process.env.NODE_ENV": '"production"', __dirname: '"/"' },
  });
  const copy = (from: string, to: string) => fs.copyFileSync(path.join(repo, from), path.join(tmp, to));
  // plotly.js-dist ships unminified (11 MB); minified it is under half that, and it stays a plain script that
  // sets the global Plotly, as Jupyter's plotly bundle does.
  await esbuild.build({ entryPoints: [path.join(repo, "node_modules/plotly.js-dist/plotly.js")], minify: true, outfile: path.join(tmp, "plotly.js"), logLevel: "warning", legalComments: "inline" });
  for (const f of ["tfjs-backend-wasm.wasm", "tfjs-backend-wasm-simd.wasm", "tfjs-backend-wasm-threaded-simd.wasm"]) copy(`node_modules/@tensorflow/tfjs-backend-wasm/dist/${f}`, f);
  copy("lib/shap/maskers/inpaint-telea.wasm", "inpaint-telea.wasm");
  copy("site/index.html", "index.html");
  copy("site/style.css", "style.css");

  fs.rmSync(outDir, { recursive: true, force: true });
  fs.renameSync(tmp, outDir);
  const bytes = folderBytes(outDir);
  console.error(`site: ${outDir} (${(bytes / 1e6).toFixed(1)} MB, ${traces.length} traces, ${models.length} models) in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  return { outDir, bytes, traces: traces.length };
}

function folderBytes(dir: string): number {
  let n = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) n += e.isDirectory() ? folderBytes(path.join(dir, e.name)) : fs.statSync(path.join(dir, e.name)).size;
  return n;
}

if (require.main === module) {
  buildSite().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
