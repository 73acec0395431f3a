/**
 * The study at the paper's size (issue 15): per stage, CPU seconds, wall seconds, peak resident memory and
 * disk, on a D-set folder of the paper's size (the real download, or `npm run data -- --scale paper`).
 *
 *   SEISMIC_XAI_DSET=/path/to/dset npm run bench -- paper-scale
 *   node --import tsx bench/paper-scale.bench.ts --dset /path/to/dset [--work DIR] [--stages a,b] [--keep]
 *
 * Every stage runs in its own child process, which reports its own CPU time and peak resident memory
 * (`process.resourceUsage()`, all threads) and the bytes it wrote (/proc/self/io, where Linux has it); the
 * parent adds the wall time and the size of what the stage left on disk. Stages, in order:
 *
 *   generate        the paper-scale set, one folder per station, when the folder is empty or absent (an
 *                   unfinished generator run is resumed); a present set is not regenerated and the figure
 *                   an earlier run of this benchmark recorded is shown
 *   open            openDSet with shape checks
 *   image-cache     buildImageCache of every trace
 *   feature-table   buildFeatureTable of every trace (73 features)
 *   forest          the 100-tree forest on the paper's random 80/20 split (trained, never taken from a cache)
 *   treeshap        path-dependent TreeSHAP of 100 test rows (the forest reloaded from the previous stage)
 *   cnn-all         CNN training of the all-stations model on its 70 % split, capped at --cnn-steps batches;
 *                   extrapolated to 10 epochs, with validation after each epoch and the test evaluation
 *   cnn-nrca        the same for the NRCA model
 *   cnn-experiments runCnnExperiments at full size (all splits, held-out stations, two worker threads) with
 *                   each training capped at one epoch of --cnn-experiments-images images: the memory of the
 *                   study's CNN phase and its fixed inference cost
 *   shap            Partition SHAP at max_evals 1000 of --shap-images images of the all-stations test split
 *                   (model: one capped epoch), extrapolated to 300 per class and model (1,200 images)
 *   loso            leave-one-station-out, not run: extrapolated from cnn-all's rates and its budget
 *                   (--loso-epochs, --loso-max-train, default LEAVE_ONE_STATION_OUT_DEFAULTS)
 *
 * The caches go to --work (default $SEISMIC_XAI_BENCH_DIR, else data/cache/paper-scale-bench); each measured
 * stage starts from an empty output folder unless --keep is given (then it resumes or reuses, as the study
 * would). `--kill-after S` kills each chosen stage with SIGKILL after S seconds, reruns it with --keep, and
 * checks that the result equals that of the uninterrupted run recorded before (a content digest).
 * The record of every run is <work>/paper-scale-bench.json. Wall seconds depend on what else the machine
 * runs, so the full-size estimates are made from CPU seconds: training and inference rates are images per
 * CPU second of their one thread, and a stage's wall time on an idle two-core machine is taken as its CPU
 * time over the threads it keeps busy (an estimate that assumes they stay busy). The study total runs the
 * CNN trainings two at a time, as runCnnExperiments does. This benchmark never fails on speed or memory; it
 * prints each stage's peak as a share of the 8 GB bound.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { writeJsonAtomic } from "../lib/core/atomic";
import { dataDir } from "../lib/core/paths";
import { consoleProgress, silentProgress } from "../lib/core/progress";
import { openDSet } from "../lib/data/dset-reader";
import { scanDSetFolder, GENERATOR_MANIFEST, GENERATOR_PARTIAL } from "../lib/data/dset-discovery";
import { generateNorciaDataset, type DSetLayout, type DSetScale } from "../lib/data/generator";
import { buildImageCache, loadImageSet, readImageCacheManifest } from "../lib/spectrogram/image-cache";
import { buildFeatureTable } from "../lib/features/feature-table";
import { runMagnitudeExperiment } from "../lib/pipeline/magnitude";
import { trainCnnExperiment } from "../lib/pipeline/cnn-experiment";
import { LEAVE_ONE_STATION_OUT_DEFAULTS, PAPER_CNN, runCnnExperiments } from "../lib/pipeline/cnn-experiments";
import { takeImageSubset } from "../lib/pipeline/cnn-image-subset";
import { explainCnnClassMaps, PAPER_CNN_SHAP } from "../lib/pipeline/cnn-shap";
import { buildCnn2d, CNN_IMAGE_SIZE } from "../lib/cnn/architecture";
import { ensureBackend } from "../lib/cnn/backend";
import { computeStandardization } from "../lib/cnn/standardize";
import { predictCnn } from "../lib/cnn/predict";
import { setCnnMetadata } from "../lib/cnn/metadata";

const STAGES = ["generate", "open", "image-cache", "feature-table", "forest", "treeshap", "cnn-all", "cnn-nrca", "cnn-experiments", "shap", "loso"] as const;
type Stage = (typeof STAGES)[number];
const MEMORY_BOUND_BYTES = 8e9;
const PAPER_EPOCHS = PAPER_CNN.training.epochs;
const BATCH = PAPER_CNN.training.batchSize;
const SHAP_MODELS = 2;
const SHAP_PER_CLASS = PAPER_CNN_SHAP.nPerClassApprox;

interface Args {
  dset: string | null;
  work: string;
  stages: Stage[];
  keep: boolean;
  killAfterS: number | null;
  cnnSteps: number;
  cnnNrcaSteps: number;
  cnnExperimentsImages: number;
  shapImages: number;
  losoEpochs: number;
  losoMaxTrain: number | null;
  stage: Stage | null;
  seed: number;
  layout: DSetLayout;
}

/** What a stage's child process reports. */
interface StageReport {
  stage: Stage;
  status: "measured" | "skipped" | "extrapolated";
  cpuUserS: number;
  cpuSystemS: number;
  maxRssBytes: number;
  /** Bytes the process caused to be written to storage (write_bytes - cancelled_write_bytes), or null. */
  storageWrittenBytes: number | null;
  /** Bytes passed to write() calls (wchar), or null. */
  writeCallBytes: number | null;
  /** Stage-specific figures. */
  details: Record<string, unknown>;
  /** Threads the stage keeps busy (1, or the cores): its wall time on an idle machine is about CPU / this. */
  parallelism: number;
  /** Full-size estimate when the stage ran capped: CPU seconds on one core, and what was assumed. */
  extrapolation: { cpuS: number; wallS2Cores: number; how: string } | null;
  note: string;
}

interface StageRecord extends StageReport {
  wallS: number;
  /** Size of what the stage left in its output folder (bytes). */
  diskBytes: number | null;
  exitCode: number;
  at: string;
}

function parseArgs(argv: readonly string[]): Args {
  const get = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const num = (flag: string, d: number): number => {
    const v = get(flag);
    if (v === undefined) return d;
    const x = Number(v);
    if (!Number.isFinite(x) || x < 0) throw new Error(`${flag} must be a number >= 0, got ${v}`);
    return x;
  };
  const stagesArg = get("--stages");
  const stages = stagesArg ? (stagesArg.split(",") as Stage[]) : [...STAGES];
  for (const s of stages) if (!STAGES.includes(s)) throw new Error(`unknown stage "${s}" (known: ${STAGES.join(", ")})`);
  const stage = (get("--stage") as Stage | undefined) ?? null;
  const dset = get("--dset") ?? process.env.SEISMIC_XAI_DSET ?? null;
  const work = get("--work") ?? process.env.SEISMIC_XAI_BENCH_DIR ?? path.join(dataDir(), "cache", "paper-scale-bench");
  const losoMax = get("--loso-max-train");
  return {
    dset: dset === null ? null : path.resolve(dset),
    work: path.resolve(work),
    stages,
    keep: argv.includes("--keep"),
    killAfterS: get("--kill-after") === undefined ? null : num("--kill-after", 0),
    cnnSteps: num("--cnn-steps", 300),
    cnnNrcaSteps: num("--cnn-nrca-steps", 150),
    cnnExperimentsImages: num("--cnn-experiments-images", 320),
    shapImages: num("--shap-images", 4),
    losoEpochs: num("--loso-epochs", LEAVE_ONE_STATION_OUT_DEFAULTS.epochs),
    losoMaxTrain: losoMax === undefined ? LEAVE_ONE_STATION_OUT_DEFAULTS.maxTrainImages : losoMax === "none" ? null : Number(losoMax),
    stage,
    seed: num("--seed", 42),
    layout: (get("--layout") as DSetLayout | undefined) ?? "per-station",
  };
}

/** Output folder of each stage (its size is the stage's "disk"); null for stages that write nothing. */
function outputDir(args: Args, stage: Stage): string | null {
  switch (stage) {
    case "generate":
      return args.dset;
    case "image-cache":
      return path.join(args.work, "images");
    case "feature-table":
      return path.join(args.work, "features");
    case "forest":
      return path.join(args.work, "forest");
    case "cnn-experiments":
      return path.join(args.work, "cnn-experiments");
    case "shap":
      return path.join(args.work, "shap");
    default:
      return null;
  }
}

// ---------------------------------------------------------------------------------------------------------
// The parent: runs each stage in a child process and prints the table.

async function parent(args: Args): Promise<void> {
  if (args.dset === null) {
    console.log(
      "paper-scale benchmark skipped: no data set. Give the folder of a paper-size D-set with --dset DIR or SEISMIC_XAI_DSET=DIR\n" +
        "(the real download, or an empty folder, where this benchmark generates the paper-scale set: about 4.8 GB, 5 min).",
    );
    return;
  }
  fs.mkdirSync(args.work, { recursive: true });
  const recordFile = path.join(args.work, "paper-scale-bench.json");
  const previous = readJson<{ stages: Record<string, StageRecord> }>(recordFile)?.stages ?? {};
  const records: Record<string, StageRecord> = { ...previous };
  console.log(`paper-scale benchmark: data set ${args.dset}, work folder ${args.work}`);
  console.log(`${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`);
  for (const stage of args.stages) {
    if (stage === "loso") {
      records.loso = losoEstimate(args, records);
      continue;
    }
    if (args.killAfterS !== null) {
      const reference = previous[stage];
      const killed = await runStage(args, stage, { keep: false, killAfterS: args.killAfterS });
      if (killed.exitCode === 0) {
        console.log(`  ${stage}: finished in ${killed.wallS.toFixed(0)} s, before the kill: no kill test (give a smaller --kill-after)`);
        continue;
      }
      console.log(`  ${stage}: killed with SIGKILL after ${args.killAfterS} s (exit ${killed.exitCode}); rerunning the same stage`);
      const resumed = await runStage(args, stage, { keep: true, killAfterS: null });
      const digest = resumed.details.digest;
      const same = reference?.details?.digest === undefined ? null : reference.details.digest === digest;
      resumed.note = `kill -9 after ${args.killAfterS} s, then resumed (${JSON.stringify(resumed.details.resumedFrom ?? null)} done at restart); ` +
        `result ${same === null ? "not compared (no uninterrupted run recorded)" : same ? "identical to the uninterrupted run" : "DIFFERENT from the uninterrupted run"}; ` +
        `wall of the killed run ${killed.wallS.toFixed(0)} s`;
      resumed.details.killTest = { killAfterS: args.killAfterS, killedWallS: killed.wallS, sameAsUninterrupted: same };
      records[`${stage}:kill-test`] = resumed;
      printRecord(`${stage} (kill test)`, resumed);
      continue;
    }
    const rec = await runStage(args, stage, { keep: args.keep, killAfterS: null });
    if (stage === "generate" && rec.status === "skipped" && previous.generate?.status === "measured") {
      rec.note = `present; recorded when generated (${previous.generate.at}): ${previous.generate.cpuUserS.toFixed(0)} s CPU, ${previous.generate.wallS.toFixed(0)} s wall, peak ${gb(previous.generate.maxRssBytes)}`;
      records.generate = { ...previous.generate, note: rec.note };
    } else records[stage] = rec;
    printRecord(stage, records[stage]);
    if (rec.exitCode !== 0) {
      console.log(`  ${stage} failed (exit ${rec.exitCode}); later stages may need its output`);
    }
  }
  const summary = studyTotal(records);
  writeJsonAtomic(recordFile, { format: "seismic-xai/paper-scale-bench", dset: args.dset, machine: { cores: os.cpus().length, memBytes: os.totalmem(), node: process.version }, stages: records, study: summary });
  console.log("\n" + table(records));
  console.log(`\n${summary.text}`);
  console.log(`record: ${recordFile}`);
}

function runStage(args: Args, stage: Stage, opts: { keep: boolean; killAfterS: number | null }): Promise<StageRecord> {
  const out = outputDir(args, stage);
  const reportFile = path.join(args.work, "stages", `${stage}.report.json`);
  fs.rmSync(reportFile, { force: true });
  const sizeBefore = out !== null && stage !== "generate" && !opts.keep ? 0 : out !== null ? duBytes(out) : 0;
  if (!opts.keep && out !== null && stage !== "generate") fs.rmSync(out, { recursive: true, force: true });
  const childArgs = [...process.execArgv, __filename, "--stage", stage, "--dset", args.dset as string, "--work", args.work, "--report", reportFile];
  for (const [flag, v] of [
    ["--cnn-steps", args.cnnSteps],
    ["--cnn-nrca-steps", args.cnnNrcaSteps],
    ["--cnn-experiments-images", args.cnnExperimentsImages],
    ["--shap-images", args.shapImages],
    ["--seed", args.seed],
    ["--layout", args.layout],
  ] as const) childArgs.push(flag, String(v));
  if (opts.keep) childArgs.push("--keep");
  console.log(`\n--- ${stage}${opts.killAfterS !== null ? ` (to be killed after ${opts.killAfterS} s)` : ""}`);
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, childArgs, { stdio: ["ignore", "inherit", "inherit"] });
    const timer = opts.killAfterS !== null ? setTimeout(() => child.kill("SIGKILL"), opts.killAfterS * 1000) : null;
    child.on("exit", (code, signal) => {
      if (timer) clearTimeout(timer);
      const wallS = (Date.now() - t0) / 1000;
      const report = readJson<StageReport>(reportFile);
      const diskAfter = out !== null ? duBytes(out) : null;
      const base: StageReport = report ?? {
        stage,
        status: "measured",
        cpuUserS: NaN,
        cpuSystemS: NaN,
        maxRssBytes: NaN,
        storageWrittenBytes: null,
        writeCallBytes: null,
        details: {},
        parallelism: 1,
        extrapolation: null,
        note: signal ? `killed by ${signal}` : `exited with ${code} before reporting`,
      };
      resolve({ ...base, wallS, diskBytes: diskAfter === null ? null : diskAfter - sizeBefore, exitCode: code ?? (signal ? 137 : 1), at: new Date().toISOString() });
    });
  });
}

/** Wall time on an otherwise idle machine: CPU time over the threads the stage keeps busy (never below 0). */
function idleWall(r: StageRecord): number {
  return (r.cpuUserS + r.cpuSystemS) / Math.max(1, r.parallelism ?? 1);
}

function printRecord(name: string, r: StageRecord): void {
  const over = r.maxRssBytes > MEMORY_BOUND_BYTES ? "  ABOVE the 8 GB bound" : "";
  console.log(
    `  ${name}: ${r.status}, CPU ${(r.cpuUserS + r.cpuSystemS).toFixed(1)} s (user ${r.cpuUserS.toFixed(1)}, system ${r.cpuSystemS.toFixed(1)}), wall ${r.wallS.toFixed(1)} s, ` +
      `peak RSS ${gb(r.maxRssBytes)} (${((100 * r.maxRssBytes) / MEMORY_BOUND_BYTES).toFixed(0)} % of 8 GB)${over}, disk ${r.diskBytes === null ? "-" : gb(r.diskBytes)}, written ${r.storageWrittenBytes === null ? "-" : gb(r.storageWrittenBytes)}`,
  );
  if (r.extrapolation) console.log(`    full size (extrapolated): ${r.extrapolation.cpuS.toFixed(0)} s CPU, ~${r.extrapolation.wallS2Cores.toFixed(0)} s wall on an idle 2-core machine; ${r.extrapolation.how}`);
  if (r.note) console.log(`    ${r.note}`);
}

function table(records: Record<string, StageRecord>): string {
  const rows = [["stage", "status", "CPU s", "wall s", "peak RSS", "disk", "written", "full size CPU s", "full size wall s, idle 2 cores"]];
  for (const [name, r] of Object.entries(records)) {
    const measured = r.status !== "extrapolated";
    rows.push([
      name,
      r.status,
      measured ? (r.cpuUserS + r.cpuSystemS).toFixed(1) : "-",
      measured ? r.wallS.toFixed(1) : "-",
      measured ? gb(r.maxRssBytes) : "-",
      r.diskBytes === null ? "-" : gb(r.diskBytes),
      r.storageWrittenBytes === null ? "-" : gb(r.storageWrittenBytes),
      r.extrapolation ? r.extrapolation.cpuS.toFixed(0) : measured ? (r.cpuUserS + r.cpuSystemS).toFixed(0) : "-",
      r.extrapolation ? r.extrapolation.wallS2Cores.toFixed(0) : measured ? idleWall(r).toFixed(0) : "-",
    ]);
  }
  const widths = rows[0].map((_, j) => Math.max(...rows.map((r) => r[j].length)));
  return rows.map((r) => "| " + r.map((c, j) => c.padEnd(widths[j])).join(" | ") + " |").join("\n");
}

/**
 * The whole study at full size: the stages' full-size figures (measured, or extrapolated) added up, the CNN
 * trainings two at a time on two cores (the all-stations model on one core, NRCA and the folds on the other).
 */
function studyTotal(records: Record<string, StageRecord>): { cpuS: number; wallS2Cores: number; peakRssBytes: number; text: string } {
  const full = (name: string): { cpu: number; wall: number } | null => {
    const r = records[name];
    if (!r) return null;
    if (r.extrapolation) return { cpu: r.extrapolation.cpuS, wall: r.extrapolation.wallS2Cores };
    return { cpu: r.cpuUserS + r.cpuSystemS, wall: idleWall(r) };
  };
  let cpu = 0;
  let wall = 0;
  const missing: string[] = [];
  for (const p of ["open", "image-cache", "feature-table", "forest", "treeshap", "shap"]) {
    const f = full(p);
    if (!f) missing.push(p);
    else {
      cpu += f.cpu;
      wall += f.wall;
    }
  }
  const cnn = ["cnn-all", "cnn-nrca", "loso"].map((p) => {
    const f = full(p);
    if (!f) missing.push(p);
    return f?.cpu ?? 0;
  });
  const cnnCpu = cnn[0] + cnn[1] + cnn[2];
  cpu += cnnCpu;
  wall += Math.max(cnn[0], cnnCpu / 2);
  let peak = 0;
  for (const r of Object.values(records)) if (Number.isFinite(r.maxRssBytes)) peak = Math.max(peak, r.maxRssBytes);
  const text =
    `whole study at full size (generation excluded): about ${(cpu / 3600).toFixed(1)} CPU hours, about ${(wall / 3600).toFixed(1)} h of wall time on 2 cores ` +
    `(CNN trainings two at a time: ${(Math.max(cnn[0], cnnCpu / 2) / 3600).toFixed(1)} h), peak resident memory of any stage ${gb(peak)}` +
    (missing.length ? `; not included (not measured): ${missing.join(", ")}` : "");
  return { cpuS: cpu, wallS2Cores: wall, peakRssBytes: peak, text };
}

/** Leave one station out, from the budget and cnn-all's measured rates (not run). */
function losoEstimate(args: Args, records: Record<string, StageRecord>): StageRecord {
  const all = records["cnn-all"];
  const base = { stage: "loso" as Stage, status: "extrapolated" as const, parallelism: 1, cpuUserS: 0, cpuSystemS: 0, maxRssBytes: NaN, storageWrittenBytes: null, writeCallBytes: null, wallS: 0, diskBytes: null, exitCode: 0, at: new Date().toISOString() };
  const sps = all?.details?.trainImagesPerS as number | undefined;
  const ips = all?.details?.inferenceImagesPerS as number | undefined;
  if (!sps || !ips) return { ...base, details: {}, extrapolation: null, note: "needs the cnn-all stage's rates: run it first" };
  const manifest = readImageCacheManifest(path.join(args.work, "images"));
  const perStation = new Map<string, number>();
  for (const e of manifest.entries) if (e.label === 0 || e.label === 1) perStation.set(e.station, (perStation.get(e.station) ?? 0) + 1);
  const total = [...perStation.values()].reduce((a, b) => a + b, 0);
  let cpu = 0;
  const folds: Record<string, number> = {};
  for (const [station, n] of perStation) {
    const others = total - n;
    const trainAvailable = Math.round(0.7 * others);
    const nTrain = args.losoMaxTrain === null ? trainAvailable : Math.min(args.losoMaxTrain, trainAvailable);
    const nVal = Math.round(0.15 * others);
    const nTest = others - trainAvailable - nVal;
    const s = (args.losoEpochs * nTrain) / sps + (args.losoEpochs * nVal + nTest + n) / ips;
    folds[station] = Math.round(s);
    cpu += s;
  }
  const budget = `${args.losoEpochs} epochs on ${args.losoMaxTrain === null ? "the whole training split" : `at most ${args.losoMaxTrain} training images`} per fold`;
  return {
    ...base,
    details: { budget, folds, trainImagesPerS: sps, inferenceImagesPerS: ips },
    extrapolation: {
      cpuS: cpu,
      wallS2Cores: cpu / 2,
      how: `9 folds, ${budget}, at cnn-all's ${sps.toFixed(0)} training and ${ips.toFixed(0)} inference images/s per core; validation each epoch, test and held-out station once; two folds at a time`,
    },
    note: `not run: estimated from the budget (${budget}); --loso-epochs / --loso-max-train N|none change it`,
  };
}

// ---------------------------------------------------------------------------------------------------------
// The child: one stage.

class StepCap extends Error {}

async function child(args: Args, reportFile: string): Promise<void> {
  const stage = args.stage as Stage;
  const dset = args.dset as string;
  const work = args.work;
  const progress = (label: string) => consoleProgress(`  ${label}`, 5000);
  let status: StageReport["status"] = "measured";
  const cores = os.cpus().length;
  let parallelism = ["image-cache", "feature-table", "forest", "treeshap", "cnn-experiments"].includes(stage) ? cores : 1;
  let details: Record<string, unknown> = {};
  let extrapolation: StageReport["extrapolation"] = null;
  let note = "";
  const imagesDir = path.join(work, "images");
  const featuresDir = path.join(work, "features");

  if (stage === "generate") {
    const scan = fs.existsSync(dset) ? scanDSetFolder(dset) : null;
    const partial = readJson<{ seed?: number; scale?: DSetScale; layout?: DSetLayout }>(path.join(dset, GENERATOR_PARTIAL));
    if (scan && scan.found.length > 0 && partial === null) {
      status = "skipped";
      const manifest = readJson<{ scale?: string; seed?: number; nTraces?: number; layout?: string }>(path.join(dset, GENERATOR_MANIFEST));
      note = `present (${scan.found.length} D-set files${manifest ? `, generated: scale ${manifest.scale}, seed ${manifest.seed}, ${manifest.nTraces} traces, layout ${manifest.layout ?? "flat"}` : ", not generated here"}); not regenerated`;
    } else {
      const report = await generateNorciaDataset({
        outDir: dset,
        scale: partial?.scale ?? "paper",
        seed: partial?.seed ?? args.seed,
        layout: partial?.layout ?? args.layout,
        progress: progress("generating"),
      });
      details = { nTraces: report.nTraces, files: report.files.length, resumedFiles: report.resumedFiles, layout: report.layout, scale: report.scale, seed: report.seed };
      note = partial ? `resumed an interrupted generation (${report.resumedFiles} file pairs kept)` : `generated: ${report.scale} scale, ${report.layout} layout, seed ${report.seed}`;
    }
  } else if (stage === "open") {
    const t0 = performance.now();
    const ds = await openDSet(dset);
    const seconds = (performance.now() - t0) / 1000;
    details = { nTraces: ds.count(), skipped: ds.skipped.length, filePairs: ds.filePairs.length, layout: ds.layout, seconds };
    note = ds.summary().split("\n").slice(0, 2).join("; ");
    ds.close();
  } else if (stage === "image-cache") {
    let resumedFrom: number | null = null;
    const bar = progress("spectrogram images");
    const manifest = await buildImageCache(dset, {
      cacheDir: imagesDir,
      onProgress: (done, total, label) => {
        if (resumedFrom === null) resumedFrom = done;
        bar(done, total, label);
      },
    });
    details = { nImages: manifest.entries.length, skipped: manifest.skipped.length, resumedFrom, digest: imageCacheDigest(imagesDir) };
    note = `${manifest.entries.length} images, ${manifest.skipped.length} traces skipped${resumedFrom ? `, ${resumedFrom} images were already there` : ""}`;
  } else if (stage === "feature-table") {
    let resumedFrom: number | null = null;
    const bar = progress("waveform features");
    const table = await buildFeatureTable(dset, {
      cacheDir: featuresDir,
      onProgress: (done, total, label) => {
        if (resumedFrom === null) resumedFrom = done - 1;
        bar(done, total, label);
      },
    });
    details = { nRows: table.nRows, nFeatures: table.nFeatures, skipped: table.skipped.length, resumedFrom, digest: fileDigest(featuresDir) };
    note = `${table.nRows} rows x ${table.nFeatures} features, ${table.skipped.length} skipped`;
  } else if (stage === "forest" || stage === "treeshap") {
    const table = await buildFeatureTable(dset, { cacheDir: featuresDir, onProgress: silentProgress });
    const e = await runMagnitudeExperiment({
      table,
      split: "random",
      nEstimators: 100,
      nExplain: stage === "treeshap" ? 100 : 0,
      cacheDir: path.join(work, "forest"),
      onProgress: stage === "forest" ? progress("trees") : undefined,
      log: false,
    });
    details = { nTrain: e.nTrain, nTest: e.nTest, r2: e.metrics.r2, rmse: e.metrics.rmse, fitS: e.timings.fitS, shapS: e.timings.shapS, forestFromCache: e.forestFromCache, additivityResidual: e.additivityResidual };
    note =
      stage === "forest"
        ? `${e.nTrain} training rows, R2 ${e.metrics.r2.toFixed(4)}, fit ${e.timings.fitS.toFixed(1)} s${e.forestFromCache ? " (FROM CACHE: not a training)" : ""}`
        : `100 rows explained in ${e.timings.shapS.toFixed(1)} s (forest ${e.forestFromCache ? "reloaded" : "trained: run the forest stage first"} in ${e.timings.fitS.toFixed(1)} s); additivity residual ${e.additivityResidual?.toExponential(1)}`;
  } else if (stage === "cnn-all" || stage === "cnn-nrca") {
    const all = stage === "cnn-all";
    const cap = all ? args.cnnSteps : args.cnnNrcaSteps;
    const marks: number[] = [];
    const cpuMarks: number[] = [];
    let nTrain = 0;
    const t0 = performance.now();
    try {
      await trainCnnExperiment({
        name: `bench-${stage}`,
        imageCacheDir: imagesDir,
        stations: all ? "all" : [PAPER_CNN.station],
        split: "random",
        seed: args.seed,
        epochs: PAPER_EPOCHS,
        cacheDir: path.join(work, "cnn-capped"),
        log: false,
        onBatch: (done, total) => {
          if (done === 0) return; // the report before the first batch
          marks.push(performance.now());
          cpuMarks.push(cpuSeconds());
          nTrain = total / PAPER_EPOCHS;
          if (marks.length % 50 === 0) process.stderr.write(`  ${stage}: ${marks.length}/${cap} batches\n`);
          if (marks.length >= cap) throw new StepCap(`stopped after ${cap} batches`);
        },
      });
      note = "finished without reaching the step cap";
    } catch (e) {
      if (!(e instanceof StepCap)) throw e;
    }
    fs.rmSync(path.join(work, "cnn-capped"), { recursive: true, force: true });
    const setupS = (marks[0] - t0) / 1000;
    // Rates over the batches after the first (the first pays for kernel set-up), per CPU second (training runs
    // on one thread, so this is the speed of one free core whatever else the machine runs) and per wall second.
    const trainImagesPerS = ((marks.length - 1) * BATCH) / (cpuMarks[cpuMarks.length - 1] - cpuMarks[0]);
    const trainImagesPerWallS = ((marks.length - 1) * BATCH) / ((marks[marks.length - 1] - marks[0]) / 1000);
    const inference = await inferenceRate(imagesDir, all ? null : PAPER_CNN.station);
    const nVal = inference.nVal;
    const nTest = inference.nTest;
    const fullS = cpuMarks[0] + (PAPER_EPOCHS * nTrain) / trainImagesPerS + (PAPER_EPOCHS * nVal + nTest) / inference.imagesPerS;
    details = { nTrain, nVal, nTest, batches: marks.length, setupS, setupCpuS: cpuMarks[0], trainImagesPerS, trainImagesPerWallS, inferenceImagesPerS: inference.imagesPerS, stepS: BATCH / trainImagesPerS };
    extrapolation = {
      cpuS: fullS,
      wallS2Cores: fullS,
      how: `${PAPER_EPOCHS} epochs x ${nTrain} images at ${trainImagesPerS.toFixed(1)} images per CPU second (one thread, ${marks.length} batches measured; ${trainImagesPerWallS.toFixed(1)} per wall second here) + validation ${PAPER_EPOCHS} x ${nVal} and test ${nTest} at ${inference.imagesPerS.toFixed(0)} images per CPU second + set-up ${cpuMarks[0].toFixed(0)} CPU s; wall = CPU on a free core`,
    };
    note = `training capped at ${marks.length} of ${Math.ceil(nTrain / BATCH)} batches of epoch 1 (${((100 * marks.length * BATCH) / nTrain).toFixed(1)} %); memory: the whole training split is in memory as in a full run`;
  } else if (stage === "cnn-experiments") {
    const out = path.join(work, "cnn-experiments");
    const r = await runCnnExperiments({
      imageCacheDir: imagesDir,
      cacheDir: path.join(out, "models"),
      resultsDir: path.join(out, "results"),
      seed: args.seed,
      epochs: 1,
      maxTrainImages: args.cnnExperimentsImages,
      leaveOneOut: { epochs: 1, maxTrainImages: args.cnnExperimentsImages },
      log: (line) => process.stderr.write(`  ${line}\n`),
    });
    details = { workers: r.config.workers, seconds: r.seconds, trainSeconds: r.trainSeconds, experiments: r.table.length };
    note = `${r.table.length} result rows; every model trained 1 epoch on ${args.cnnExperimentsImages} images (capped), every split, evaluation and held-out station at full size, ${r.config.workers} worker thread(s)`;
  } else if (stage === "shap") {
    const model = await trainCnnExperiment({
      name: "bench-shap-model",
      imageCacheDir: imagesDir,
      stations: "all",
      split: "random",
      seed: args.seed,
      epochs: 1,
      maxTrainImages: 2000,
      cacheDir: path.join(work, "shap-model"),
      log: false,
    });
    const test = takeImageSubset(model.images, model.testIndex, "bench shap: all-stations test split");
    const nPerClass = Math.max(1, Math.round(args.shapImages / 2));
    const cpuBefore = cpuSeconds();
    const r = await explainCnnClassMaps(model.model, test, {
      nPerClass,
      maxEvals: PAPER_CNN_SHAP.maxEvals,
      batchSize: PAPER_CNN_SHAP.batchSize,
      outFile: path.join(work, "shap", "run.json"),
      onProgress: progress("shap"),
    });
    // CPU of the call, shared between predicting the test split and explaining in proportion to their wall times.
    const cpuCall = cpuSeconds() - cpuBefore;
    model.model.dispose();
    const perImage = r.timing.perImageSeconds ?? NaN;
    const nFull = SHAP_PER_CLASS * 2 * SHAP_MODELS;
    const cpuExplain = (cpuCall * r.timing.explainSeconds) / (r.timing.explainSeconds + r.timing.predictSeconds);
    const cpuPredict = cpuCall - cpuExplain;
    const cpuPerImage = cpuExplain / Math.max(1, r.timing.imagesComputed);
    parallelism = cores;
    const values = r.explanation.values;
    const digest = createHash("sha256").update(JSON.stringify(r.images.traceNames)).update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength)).digest("hex").slice(0, 16);
    details = { digest, resumedFrom: r.counts.nExplained - r.timing.imagesComputed, nExplained: r.counts.nExplained, imagesComputed: r.timing.imagesComputed, perImageWallS: perImage, perImageCpuS: cpuPerImage, predictWallS: r.timing.predictSeconds, predictCpuS: cpuPredict, nTestImages: test.n, workers: r.config.workers, concurrency: r.config.concurrency };
    extrapolation = r.timing.imagesComputed === 0 ? null : {
      cpuS: cpuPerImage * nFull + cpuPredict * SHAP_MODELS,
      wallS2Cores: (cpuPerImage * nFull + cpuPredict * SHAP_MODELS) / 2,
      how: `${nFull} images (${SHAP_PER_CLASS} per class, ${SHAP_MODELS} models) at ${cpuPerImage.toFixed(1)} CPU s per image (${r.timing.imagesComputed} explained at max_evals ${PAPER_CNN_SHAP.maxEvals}; ${perImage.toFixed(1)} s wall per image here) plus predicting each model's test split (${cpuPredict.toFixed(0)} CPU s); wall assumes both cores busy`,
    };
    note = `${r.timing.imagesComputed} images explained at max_evals ${PAPER_CNN_SHAP.maxEvals} (capped), after predicting ${test.n} test images in ${r.timing.predictSeconds.toFixed(1)} s`;
  }

  const usage = process.resourceUsage();
  const io = procIo();
  const report: StageReport = {
    stage,
    status,
    cpuUserS: usage.userCPUTime / 1e6,
    cpuSystemS: usage.systemCPUTime / 1e6,
    maxRssBytes: usage.maxRSS * 1024,
    storageWrittenBytes: io ? io.write_bytes - io.cancelled_write_bytes : null,
    writeCallBytes: io ? io.wchar : null,
    details,
    parallelism,
    extrapolation,
    note,
  };
  writeJsonAtomic(reportFile, report);
}

/** CPU seconds of this process so far (all threads). */
function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** Inference rate (images per CPU second, one thread) of a fresh CNN2D on up to 4,096 cached images, and the split sizes of the experiment. */
async function inferenceRate(imagesDir: string, station: string | null): Promise<{ imagesPerS: number; nVal: number; nTest: number }> {
  await ensureBackend();
  const manifest = readImageCacheManifest(imagesDir);
  const labelled = manifest.entries.filter((e) => (e.label === 0 || e.label === 1) && (station === null || e.station === station));
  const n = labelled.length;
  const nTrain = Math.round(0.7 * n);
  const nVal = Math.round(0.15 * n);
  const keep = new Set(labelled.slice(0, 4096).map((e) => e.trace_name));
  const set = loadImageSet(imagesDir, (e) => keep.has(e.trace_name));
  const model = buildCnn2d({ seed: 1 });
  setCnnMetadata(model, { standardization: computeStandardization(set.images, set.n) });
  const warm = Math.min(256, set.n);
  predictCnn(model, set.images.subarray(0, warm * CNN_IMAGE_SIZE), warm);
  const c0 = cpuSeconds();
  predictCnn(model, set.images, set.n);
  const imagesPerS = set.n / (cpuSeconds() - c0);
  model.dispose();
  return { imagesPerS, nVal, nTest: n - nTrain - nVal };
}

/** sha256 over the manifest's entries and every cached PNG's bytes, in manifest order. */
function imageCacheDigest(dir: string): string {
  const manifest = readImageCacheManifest(dir);
  const h = createHash("sha256");
  h.update(JSON.stringify(manifest.entries));
  h.update(JSON.stringify(manifest.skipped));
  for (const e of manifest.entries) h.update(fs.readFileSync(path.join(dir, e.file)));
  return h.digest("hex").slice(0, 16);
}

/** sha256 over every file of a folder (sorted by name), temporary files excluded. */
function fileDigest(dir: string): string {
  const h = createHash("sha256");
  for (const f of fs.readdirSync(dir).filter((x) => !x.endsWith(".tmp")).sort()) {
    h.update(f);
    h.update(fs.readFileSync(path.join(dir, f)));
  }
  return h.digest("hex").slice(0, 16);
}

function procIo(): Record<string, number> | null {
  try {
    const out: Record<string, number> = {};
    for (const line of fs.readFileSync("/proc/self/io", "utf8").split("\n")) {
      const [k, v] = line.split(":");
      if (v !== undefined) out[k.trim()] = Number(v);
    }
    return out;
  } catch {
    return null;
  }
}

/** Bytes of the files below `p` (0 when absent). */
function duBytes(p: string): number {
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.size;
  let total = 0;
  for (const name of fs.readdirSync(p)) total += duBytes(path.join(p, name));
  return total;
}

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as T;
  } catch {
    return null;
  }
}

function gb(bytes: number): string {
  if (!Number.isFinite(bytes)) return "-";
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(2)} GB` : bytes >= 1e7 ? `${(bytes / 1e6).toFixed(0)} MB` : `${(bytes / 1e6).toFixed(1)} MB`;
}

const argv = process.argv.slice(2);
const parsed = parseArgs(argv);
const reportIndex = argv.indexOf("--report");
(parsed.stage !== null ? child(parsed, argv[reportIndex + 1]) : parent(parsed)).catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
