/**
 * TreeSHAP speed on a forest shaped like the paper's (100 fully grown regression trees on ~6,000 × 73 waveform
 * features: depth ~23, ~3,800 leaves per tree). Target (issue 6): at least 12 rows/s, what shap's C++ does on
 * this machine; printed as a ratio. Never fails on speed.
 *
 * The forest is synthetic and seeded: bootstrap samples of 6,000 × 73 Gaussian rows with a nonlinear target,
 * each tree split until its nodes hold a single distinct sample, on a random feature at the median of three
 * random samples' float32 values (a stand-in for CART's best split that gives similar depth and leaf counts
 * in a fraction of the time).
 */
import os from "node:os";
import { Rng } from "../lib/core/rng";
import { parallelTreeShap } from "../lib/shap/tree/parallel";
import { prepareTreeEnsemble } from "../lib/shap/tree/prepared-ensemble";
import { Tree, TreeEnsemble } from "../lib/shap/tree/tree-ensemble";
import { treeShap } from "../lib/shap/tree/tree-shap";

const TARGET_ROWS_PER_S = 12;
const N_TRAIN = 6000;
const N_FEATURES = 73;
const N_TREES = 100;

function syntheticData(rng: Rng): { X: Float64Array; y: Float64Array } {
  const X = new Float64Array(N_TRAIN * N_FEATURES);
  for (let i = 0; i < X.length; i++) X[i] = rng.normal();
  const y = new Float64Array(N_TRAIN);
  for (let r = 0; r < N_TRAIN; r++) {
    const x = (k: number) => X[r * N_FEATURES + k];
    y[r] = 2 * x(0) + Math.sin(3 * x(1)) + x(2) * x(3) + 0.5 * Math.abs(x(4)) + 0.3 * rng.normal();
  }
  return { X, y };
}

/** One fully grown tree on a bootstrap sample (see the file comment). */
function growTree(X: Float64Array, y: Float64Array, rng: Rng): Tree {
  const sample = Int32Array.from({ length: N_TRAIN }, () => rng.int(N_TRAIN));
  const left: number[] = [], right: number[] = [], feature: number[] = [], threshold: number[] = [], value: number[] = [], cover: number[] = [];
  const at = (i: number, f: number) => Math.fround(X[sample[i] * N_FEATURES + f]);
  const grow = (lo: number, hi: number): number => {
    const node = left.length;
    let sum = 0;
    for (let i = lo; i < hi; i++) sum += y[sample[i]];
    left.push(-1);
    right.push(-1);
    feature.push(-2);
    threshold.push(-2);
    value.push(sum / (hi - lo));
    cover.push(hi - lo);
    let distinct = false;
    for (let i = lo + 1; i < hi && !distinct; i++) distinct = sample[i] !== sample[lo];
    if (!distinct) return node;
    for (;;) {
      const f = rng.int(N_FEATURES);
      const a = at(lo + rng.int(hi - lo), f), b = at(lo + rng.int(hi - lo), f), c = at(lo + rng.int(hi - lo), f);
      const t = Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
      let i = lo, j = hi - 1;
      while (i <= j) {
        if (at(i, f) <= t) i++;
        else {
          const swap = sample[i];
          sample[i] = sample[j];
          sample[j--] = swap;
        }
      }
      if (i === hi) continue; // t was the largest value: no right branch, draw again
      feature[node] = f;
      threshold[node] = t;
      left[node] = grow(lo, i);
      right[node] = grow(i, hi);
      return node;
    }
  };
  grow(0, N_TRAIN);
  return {
    childrenLeft: Int32Array.from(left),
    childrenRight: Int32Array.from(right),
    feature: Int32Array.from(feature),
    threshold: Float64Array.from(threshold),
    value: Float64Array.from(value),
    cover: Float64Array.from(cover),
  };
}

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
}

async function main(): Promise<void> {
  const rng = new Rng("treeshap bench");
  let t0 = performance.now();
  const { X, y } = syntheticData(rng);
  const trees = Array.from({ length: N_TREES }, () => growTree(X, y, rng));
  const forest: TreeEnsemble = { trees, scale: new Float64Array(N_TREES).fill(1 / N_TREES), nFeatures: N_FEATURES, baseOffset: 0 };
  const prepared = prepareTreeEnsemble(forest);
  const leaves = trees.map((t) => t.childrenLeft.filter((c) => c === -1).length);
  const depths = prepared.trees.map((t) => t.maxDepth);
  const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
  console.log(
    `forest: ${N_TREES} trees, ${N_FEATURES} features, leaves/tree ${mean(leaves).toFixed(0)}, depth mean ${mean(depths).toFixed(1)} max ${Math.max(...depths)} ` +
      `(built in ${((performance.now() - t0) / 1000).toFixed(1)} s; machine: ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)})`,
  );

  const rows = (n: number, from: number) => X.subarray(from * N_FEATURES, (from + n) * N_FEATURES);
  treeShap(forest, rows(2, 0), 2); // JIT warm-up

  const nSerial = 30;
  const c0 = process.cpuUsage();
  t0 = performance.now();
  const serial = treeShap(forest, rows(nSerial, 10), nSerial);
  const serialS = (performance.now() - t0) / 1000;
  const serialCpu = cpuSeconds(c0);
  const serialRate = nSerial / serialS;
  console.log(
    `in-process: ${nSerial} rows in ${serialS.toFixed(2)} s = ${serialRate.toFixed(1)} rows/s (${(nSerial / serialCpu).toFixed(1)} rows per CPU-second), ` +
      `${(serialRate / TARGET_ROWS_PER_S).toFixed(2)}× the ${TARGET_ROWS_PER_S} rows/s target`,
  );

  const nParallel = 80;
  t0 = performance.now();
  const parallel = await parallelTreeShap(forest, rows(nParallel, 10), nParallel, { workers: 2 });
  const parallelS = (performance.now() - t0) / 1000;
  const parallelRate = nParallel / parallelS;
  console.log(
    `2 workers: ${nParallel} rows in ${parallelS.toFixed(2)} s (worker start-up included) = ${parallelRate.toFixed(1)} rows/s, ` +
      `${(parallelRate / TARGET_ROWS_PER_S).toFixed(2)}× the target, ${(parallelRate / serialRate).toFixed(2)}× in-process`,
  );

  let worst = 0;
  for (let i = 0; i < serial.values.length; i++) worst = Math.max(worst, Math.abs(serial.values[i] - parallel.values[i]));
  let residual = 0;
  for (let r = 0; r < nSerial; r++) {
    let sum = serial.expectedValue - serial.predictions[r];
    for (let i = 0; i < N_FEATURES; i++) sum += serial.values[r * N_FEATURES + i];
    residual = Math.max(residual, Math.abs(sum));
  }
  console.log(`checks: max |in-process − workers| = ${worst}, max additivity residual = ${residual.toExponential(1)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
