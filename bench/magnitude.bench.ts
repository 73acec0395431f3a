/**
 * Magnitude experiments on the generated default data set (issue 6; data/dset, `npm run data`): feature table
 * build time (2 worker threads), forest fit time (100 trees), TreeSHAP time for 100 test rows (this thread
 * and 2 workers), metrics of the random split (the paper's: R2 0.8834) and of the split grouped by event,
 * the per-station table, and a second run from the forest cache. Everything is written under a fresh
 * temporary folder (removed at the end unless --keep), never into data/cache or results/.
 *
 * Run: node --import tsx bench/magnitude.bench.ts [--keep]
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { defaultDSetDir } from "../lib/core/paths";
import { buildFeatureTable } from "../lib/features/feature-table";
import { PAPER_MAGNITUDE, runMagnitudeExperiment, runMagnitudeExperiments, MagnitudeExperiment } from "../lib/pipeline/magnitude";
import { writeMagnitudeResults } from "../lib/pipeline/magnitude-results";
import { TreeExplainer } from "../lib/shap/tree/tree-explainer";

const keep = process.argv.includes("--keep");

function seconds(t0: number): number {
  return (performance.now() - t0) / 1000;
}

function metricsLine(label: string, e: MagnitudeExperiment): string {
  const m = e.metrics;
  return `${label.padEnd(26)} MAE ${m.mae.toFixed(4)}  MSE ${m.mse.toFixed(4)}  RMSE ${m.rmse.toFixed(4)}  R2 ${m.r2.toFixed(4)}  EV ${m.explainedVariance.toFixed(4)}  (train ${e.nTrain}, test ${e.nTest})`;
}

async function main(): Promise<void> {
  const dsetDir = defaultDSetDir();
  if (!fs.existsSync(path.join(dsetDir, "generator.json")) && !fs.readdirSync(dsetDir, { withFileTypes: true }).some((f) => f.name.endsWith(".csv"))) {
    console.log(`no data set in ${dsetDir}: run \`npm run data\` first (skipped)`);
    return;
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "magnitude-bench-"));
  console.log(`magnitude benchmark on ${dsetDir}; ${os.availableParallelism()} cores, Node ${process.version}; work folder ${work}`);
  try {
    let t0 = performance.now();
    const table = await buildFeatureTable(dsetDir, { cacheDir: path.join(work, "features"), workers: 2 });
    const tableS = seconds(t0);
    console.log(`feature table: ${table.nRows} rows x ${table.nFeatures} features, ${table.skipped.length} skipped, built in ${tableS.toFixed(1)} s (2 workers; ${(1000 * tableS / table.nRows).toFixed(2)} ms per trace)`);

    const forests = path.join(work, "forests");
    const random = await runMagnitudeExperiment({ table, split: "random", cacheDir: forests });
    const grouped = await runMagnitudeExperiment({ table, split: "grouped-by-event", cacheDir: forests });
    for (const [label, e] of [["random split (paper)", random], ["grouped by event", grouped]] as const) {
      console.log(`${label}: fit ${e.timings.fitS.toFixed(1)} s for ${e.nEstimators} trees on ${e.nTrain} rows; TreeSHAP ${e.timings.shapS.toFixed(2)} s for ${e.explanation!.nSamples} rows (default threads); additivity residual ${e.additivityResidual!.toExponential(1)}`);
    }

    // TreeSHAP for the same 100 rows, in this thread and on 2 workers (worker start-up included).
    const X = random.explanation!.data;
    const explainer = new TreeExplainer(random.ensemble);
    t0 = performance.now();
    explainer.explain(X, 100);
    const inThreadS = seconds(t0);
    t0 = performance.now();
    await explainer.explainAsync(X, 100, { workers: 2 });
    const workersS = seconds(t0);
    let leaves = 0;
    for (const tree of random.ensemble.trees) for (const c of tree.childrenLeft) if (c < 0) leaves++;
    console.log(`TreeSHAP, 100 rows x 100 trees (${(leaves / 100).toFixed(0)} leaves per tree): ${inThreadS.toFixed(2)} s in this thread, ${workersS.toFixed(2)} s on 2 workers (ratio ${(inThreadS / workersS).toFixed(2)})`);

    console.log("\nmetrics (paper: MAE 0.1052, MSE 0.0212, RMSE 0.1457, R2 0.8834, EV 0.8835)");
    console.log(metricsLine("random split (paper's)", random));
    console.log(metricsLine("grouped by event", grouped));
    console.log(`R2 ours / paper: random ${(random.metrics.r2 / PAPER_MAGNITUDE.r2).toFixed(3)}, grouped ${(grouped.metrics.r2 / PAPER_MAGNITUDE.r2).toFixed(3)}; random - grouped = ${(random.metrics.r2 - grouped.metrics.r2).toFixed(4)}`);
    console.log(`expected value: ${random.expectedValue.toFixed(4)} (paper ~${PAPER_MAGNITUDE.expectedValue})`);
    console.log("top features (random split), mean |SHAP| and value-SHAP correlation:");
    for (const f of random.topFeatures.slice(0, 8)) console.log(`  ${f.name.padEnd(32)} ${f.meanAbsShap.toFixed(4)}  r = ${f.valueShapCorrelation?.toFixed(2) ?? "-"}`);
    const p = random.topFeatures.find((f) => f.name === "p_travel_sec")!;
    console.log(`  p_travel_sec: rank ${random.topFeatures.indexOf(p) + 1}, r = ${p.valueShapCorrelation?.toFixed(2)} (paper: rank 3, pushes magnitude up as it grows)`);

    t0 = performance.now();
    const all = await runMagnitudeExperiments({ table, cacheDir: forests });
    const allS = seconds(t0);
    t0 = performance.now();
    const again = await runMagnitudeExperiments({ table, cacheDir: forests });
    const againS = seconds(t0);
    console.log(`\nall experiments (2 all-stations + ${all.perStation.length} per station): ${allS.toFixed(1)} s (the two all-stations forests from the cache); again, every forest cached: ${againS.toFixed(1)} s (${again.rows.filter((r) => r.forestFromCache).length}/${again.rows.length} from cache)`);
    console.log("station  split              nTrain nTest   MAE     RMSE    R2");
    for (const r of all.rows) {
      console.log(`${r.station.padEnd(8)} ${r.split.padEnd(18)} ${String(r.nTrain).padStart(6)} ${String(r.nTest).padStart(5)}  ${r.mae.toFixed(4)}  ${r.rmse.toFixed(4)}  ${r.r2.toFixed(4)}`);
    }
    const files = writeMagnitudeResults(path.join(work, "results"), all);
    console.log(`results: ${files.summary} (${(fs.statSync(files.summary).size / 1e3).toFixed(0)} kB), ${files.shap} (${(fs.statSync(files.shap).size / 1e3).toFixed(0)} kB)`);
  } finally {
    if (!keep) fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
