/**
 * `npm run reproduce`: the whole study on the embedded default data set (or on the real D-set when
 * SEISMIC_XAI_DSET points at the download), through the notebooks, as a user would run them: generates the
 * data set if absent, executes notebooks/01-… to 09-… in order with the tslab kernel (outputs saved into the
 * notebooks, figures into figures/), and ends with results/summary.md, every metric next to the paper's.
 * Expensive steps (images, features, models, SHAP runs) are cached under data/cache, so a second run reuses
 * them; an interrupted run resumes.
 *
 * Settings (lib/pipeline/study.ts): the default preset; `npm run reproduce -- --paper` (or
 * SEISMIC_XAI_SETTINGS=paper) runs the paper's settings on whatever data set is configured, QUICK=1 the quick
 * CI preset on the tiny data set.
 */
import fs from "node:fs";
import path from "node:path";
import { generateNorciaDataset } from "../lib/data/generator";
import { consoleProgress } from "../lib/core/progress";
import { defaultDSetDir, resultsDir } from "../lib/core/paths";
import { studyPresetFromArgs, studySettings, type StudyPreset } from "../lib/pipeline/study";
import { runNotebooks, warmKernel } from "./run-notebooks";

/**
 * A cell that runs longer than this is taken as hung and stops the run (a rerun resumes from the caches). At
 * the paper's settings on the full D-set, notebook 03's training cell alone takes about an hour on two cores
 * and longer on a slower machine, so that preset allows a whole working day.
 */
const CELL_TIMEOUT_S: Record<StudyPreset, number> = { quick: 3600, default: 3600, paper: 12 * 3600 };

async function main(): Promise<void> {
  const t0 = Date.now();
  // The notebooks' kernels inherit the environment, so --paper reaches every notebook's studySettings().
  const preset = studyPresetFromArgs(process.argv.slice(2));
  console.error(`reproduce: ${studySettings(undefined, preset).description}`);
  const dir = path.join(__dirname, "..", "notebooks");
  // The first notebook's kernel compiles the library while the data set is generated.
  const first = warmKernel(dir);
  if (preset === "quick") {
    // the notebooks generate the tiny data set themselves
    console.error("reproduce: QUICK is set, so the notebooks run their quick (CI) configuration on the tiny data set");
  } else if (process.env.SEISMIC_XAI_DSET) {
    console.error(`reproduce: using the D-set in ${process.env.SEISMIC_XAI_DSET}`);
  } else {
    const report = await generateNorciaDataset({ outDir: defaultDSetDir(), seed: 42, scale: "default", progress: consoleProgress("generating the default data set") });
    console.error(`reproduce: default data set ${report.reused ? "already in place" : "generated"} in ${report.outDir} (${report.nTraces} traces)`);
  }
  const notebooks = fs.readdirSync(dir).filter((f) => /^\d\d-[a-z0-9-]+\.ipynb$/.test(f)).sort();
  const failure = await runNotebooks(
    notebooks.map((f) => path.join(dir, f)),
    CELL_TIMEOUT_S[preset],
    { first, announce: (f, i) => console.error(`\n[${i + 1}/${notebooks.length}] ${path.basename(f)} (${((Date.now() - t0) / 60000).toFixed(1)} min so far)`) },
  );
  if (failure) {
    console.error(`reproduce: stopped at ${failure}`);
    process.exit(1);
  }
  const quick = preset === "quick";
  const summary = path.join(resultsDir(), quick ? "quick" : "", "summary.md");
  if (!fs.existsSync(summary)) throw new Error(`reproduce: the notebooks ran but ${summary} was not written`);
  console.error(`\nreproduce: done in ${((Date.now() - t0) / 60000).toFixed(1)} min`);
  console.error(`  results: ${summary} (and results/*.json)\n  figures: figures/*.svg, figures/*.png\n  notebooks with their outputs: notebooks/*.ipynb`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
