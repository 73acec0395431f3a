/**
 * The study's settings, defined once: every notebook reads them from `studySettings()`, so the models that
 * notebook 03 trains are the ones notebooks 04 and 05 load (the model cache is keyed by these settings), and
 * notebook 08 explains the forest of notebook 07.
 *
 * Three presets:
 * - "quick": the CI run (QUICK=1) on the tiny generated data set: one epoch on at most 120 images, a few
 *   images explained at a low budget, 10 trees. Minutes; checks that everything runs, not what it finds.
 * - "default": the embedded default data set (4,500 traces) at the paper's settings where they fit in about
 *   20 minutes on two cores: 10 epochs on the whole training splits, leave-one-station-out at 4 epochs on at
 *   most 1,800 images per fold, 24 correctly classified test images per class and model at max_evals 1000,
 *   100 trees, TreeSHAP of 100 rows.
 * - "paper": the paper's settings for the real D-set (79,454 traces): every trace, the all-stations CNN on
 *   the 70/15/15 split and the NRCA model for 10 epochs, the NRCA model on the all-stations test set, about 300
 *   correctly classified test images per class and model at max_evals 1000, the 100-tree forest, TreeSHAP of
 *   100 rows. Leave-one-station-out at full size would be nine trainings of about 61,000 images (over 17 hours
 *   at 10 epochs on one core), so its folds get a budget: 3 epochs on at most 16,000 training images each,
 *   about 48,000 training samples per fold (about 5 minutes of one core at 164 samples/s), so the nine folds
 *   and the NRCA model train on the second core while the all-stations model trains on the first (57 minutes
 *   on the paper-size stand-in, README "At full size"); the results report the budget next to the accuracies.
 *
 * The preset comes from the environment: QUICK=1 selects "quick" (CI), else SEISMIC_XAI_SETTINGS ("quick",
 * "default" or "paper"; `npm run reproduce -- --paper` sets it), else "default".
 */
import fs from "node:fs";
import path from "node:path";
import { GENERATOR_MANIFEST } from "../data/dset-discovery";
import { InputError } from "../core/errors";
import { cacheDir as cacheRoot, dataDir, defaultDSetDir, resultsDir as defaultResultsDir } from "../core/paths";
import type { PartitionExplainOptions } from "../shap/partition/partition-explainer";
import type { CnnExperimentsOptions } from "./cnn-experiments";
import type { ExplainCnnClassMapsOptions } from "./cnn-shap";
import type { MagnitudeExperimentsOptions } from "./magnitude";

/** The presets of `studySettings`. */
export const STUDY_PRESETS = ["quick", "default", "paper"] as const;
export type StudyPreset = (typeof STUDY_PRESETS)[number];

/** The environment variable that selects a preset (QUICK=1 takes precedence). */
export const STUDY_SETTINGS_ENV = "SEISMIC_XAI_SETTINGS";

/** Where the study reads its data and keeps its caches and results (a notebook's `nb` has these). */
export interface StudyFolders {
  /** The D-set folder. */
  readonly dsetDir: string;
  /** A cache folder by name ("images", "cnn", "shap", "features", "forests"). */
  cacheDir(name: string): string;
  /** Where the result files go. */
  readonly resultsDir: string;
}

/** The settings of the whole study, one object for every notebook. */
export interface StudySettings {
  readonly preset: StudyPreset;
  /** One line saying what the preset is for. */
  readonly description: string;
  readonly seed: number;
  /** The paper's single station (experiments (a) and (c), Fig. 3, Fig. 5). */
  readonly station: string;
  readonly folders: StudyFolders;
  /**
   * The data set: `ensureDataset(study.dataset)` opens it, generating the embedded one when `scale` is not null
   * (tiny for "quick", default otherwise; null when $SEISMIC_XAI_DSET points at a download).
   */
  readonly dataset: {
    readonly dir: string;
    readonly scale: "tiny" | "default" | null;
    readonly seed: number;
    readonly label: string;
    /**
     * Whether the data are generated (lib/data/generator.ts): the embedded sets always, a folder in
     * $SEISMIC_XAI_DSET when it holds the generator's manifest (`npm run data -- --scale paper --out DIR`).
     */
    readonly generated: boolean;
  };
  /** `runCnnExperiments(study.cnn)` (notebook 03) and `loadCnnExperiment(name, study.cnn)` (notebooks 04, 05). */
  readonly cnn: CnnExperimentsOptions & { readonly imageCacheDir: string; readonly cacheDir: string; readonly resultsDir: string };
  /** Fig. 2: which test image of the NRCA model, and how it is explained (both outputs). */
  readonly shapImage: Pick<PartitionExplainOptions, "maxEvals" | "batchSize" | "outputs"> & { readonly image: number };
  /** Fig. 3 and 4: `explainCnnClassMaps(model, test, study.classMaps)`. */
  readonly classMaps: ExplainCnnClassMapsOptions & { readonly outDir: string };
  /** Fig. 6 and 7: `runMagnitudeExperiments({ ...study.forest, table })`. */
  readonly forest: Omit<MagnitudeExperimentsOptions, "table"> & { readonly nEstimators: number; readonly nExplain: number; readonly cacheDir: string };
  /** Fig. 5: `colocatedClassSpectra(dset, study.spectra)`, events within maxDistanceKm of the mainshock epicentre. */
  readonly spectra: { readonly station: string; readonly selection: { readonly maxDistanceKm: number } };
}

/**
 * The preset in force: "quick" under QUICK=1, else $SEISMIC_XAI_SETTINGS when set, else "default".
 *
 * @throws InputError naming the variable for a value that is not a preset
 */
export function studyPreset(env: NodeJS.ProcessEnv = process.env): StudyPreset {
  const quick = env.QUICK;
  if (quick !== undefined && quick !== "" && quick !== "0" && quick.toLowerCase() !== "false") return "quick";
  const chosen = env[STUDY_SETTINGS_ENV];
  if (chosen === undefined || chosen === "") return "default";
  if (!(STUDY_PRESETS as readonly string[]).includes(chosen)) {
    throw new InputError(STUDY_SETTINGS_ENV, `"${chosen}" is not a preset: use ${STUDY_PRESETS.join(", ")}`);
  }
  return chosen as StudyPreset;
}

/**
 * The preset of a command line: `--paper` sets $SEISMIC_XAI_SETTINGS to "paper" in `env` (so that child
 * processes, the notebooks' kernels, inherit it), then `studyPreset(env)` decides (QUICK=1 still wins).
 */
export function studyPresetFromArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): StudyPreset {
  if (argv.includes("--paper")) env[STUDY_SETTINGS_ENV] = "paper";
  return studyPreset(env);
}

/**
 * The folders a preset uses when no notebook gives them: the D-set in $SEISMIC_XAI_DSET or the generated one
 * (`data/dset-tiny` for "quick", `data/dset` otherwise), caches under `data/cache/quick` or `data/cache/full`,
 * results in `results/quick` or `results/` (the same layout as `setupNotebook`).
 */
export function studyFolders(preset: StudyPreset = studyPreset()): StudyFolders {
  const quick = preset === "quick";
  const own = !!process.env.SEISMIC_XAI_DSET;
  return {
    dsetDir: own || !quick ? defaultDSetDir() : path.join(dataDir(), "dset-tiny"),
    cacheDir: (name) => cacheRoot(path.join(quick ? "quick" : "full", name)),
    resultsDir: quick ? path.join(defaultResultsDir(), "quick") : defaultResultsDir(),
  };
}

/** The numbers of each preset (see the file comment). */
const PRESETS: Record<StudyPreset, {
  description: string;
  cnn: { epochs: number; maxTrainImages?: number; leaveOneOut: { epochs: number; maxTrainImages: number | null } };
  shapImage: { maxEvals: number };
  classMaps: { nPerClass: number; maxEvals: number };
  forest: { nEstimators: number; nExplain: number };
  maxDistanceKm: number;
}> = {
  quick: {
    description: "quick (CI): the tiny data set, one epoch on at most 120 images, a few images at a low SHAP budget, 10 trees",
    cnn: { epochs: 1, maxTrainImages: 120, leaveOneOut: { epochs: 1, maxTrainImages: 60 } },
    shapImage: { maxEvals: 100 },
    classMaps: { nPerClass: 2, maxEvals: 64 },
    forest: { nEstimators: 10, nExplain: 20 },
    maxDistanceKm: 15,
  },
  default: {
    description: "default: the embedded data set at the paper's settings, leave-one-station-out at 4 epochs on at most 1,800 images, 24 images per class explained",
    cnn: { epochs: 10, leaveOneOut: { epochs: 4, maxTrainImages: 1800 } },
    shapImage: { maxEvals: 1000 },
    classMaps: { nPerClass: 24, maxEvals: 1000 },
    forest: { nEstimators: 100, nExplain: 100 },
    maxDistanceKm: 5,
  },
  paper: {
    description:
      "paper: the paper's settings for the full D-set (10 epochs on every training image, about 300 images per class explained); " +
      "leave-one-station-out at a budget of 3 epochs on at most 16,000 images per fold, which trains beside the all-stations model (about 1 h 50 min in all on two cores, README)",
    cnn: { epochs: 10, leaveOneOut: { epochs: 3, maxTrainImages: 16000 } },
    shapImage: { maxEvals: 1000 },
    classMaps: { nPerClass: 300, maxEvals: 1000 },
    forest: { nEstimators: 100, nExplain: 100 },
    maxDistanceKm: 5,
  },
};

/** The data set's description: an embedded scale, or what the folder in $SEISMIC_XAI_DSET holds. */
function datasetOf(dir: string, scale: "tiny" | "default" | null, seed: number): StudySettings["dataset"] {
  if (scale !== null) return { dir, scale, seed, label: `the generated ${scale} data set`, generated: true };
  let manifest: { scale?: unknown } | null = null;
  try {
    manifest = JSON.parse(fs.readFileSync(path.join(dir, GENERATOR_MANIFEST), "utf8")) as { scale?: unknown };
  } catch {
    // No readable manifest: a download (or the user's own copy) of the real D-set.
  }
  if (manifest === null) return { dir, scale, seed, label: "the D-set in $SEISMIC_XAI_DSET", generated: false };
  const generatedScale = typeof manifest.scale === "string" ? `${manifest.scale}-scale ` : "";
  return { dir, scale, seed, label: `the generated ${generatedScale}data set in $SEISMIC_XAI_DSET`, generated: true };
}

/**
 * The settings of the study for `preset` (default: the one the environment selects, `studyPreset()`), with
 * the folders of `folders` (a notebook passes its `nb`; default: `studyFolders(preset)`). Seed 42, batch size
 * 32, the paper's 70/15/15 and 80/20 splits and max_evals 1000 with batch_size 50 are the paper's in every
 * preset.
 */
export function studySettings(folders?: StudyFolders, preset: StudyPreset = studyPreset()): StudySettings {
  if (!(STUDY_PRESETS as readonly string[]).includes(preset)) throw new InputError("studySettings", `"${preset}" is not a preset: use ${STUDY_PRESETS.join(", ")}`);
  const given = folders ?? studyFolders(preset);
  // A copy, so that freezing the settings leaves the caller's object (a notebook's `nb`) alone.
  const where: StudyFolders = { dsetDir: given.dsetDir, cacheDir: (name) => given.cacheDir(name), resultsDir: given.resultsDir };
  const p = PRESETS[preset];
  const seed = 42;
  const station = "NRCA";
  const scale = process.env.SEISMIC_XAI_DSET ? null : preset === "quick" ? "tiny" : "default";
  return deepFreeze({
    preset,
    description: p.description,
    seed,
    station,
    folders: where,
    dataset: datasetOf(where.dsetDir, scale, seed),
    cnn: {
      imageCacheDir: where.cacheDir("images"),
      cacheDir: where.cacheDir("cnn"),
      resultsDir: where.resultsDir,
      seed,
      epochs: p.cnn.epochs,
      batchSize: 32,
      maxTrainImages: p.cnn.maxTrainImages,
      leaveOneOut: { ...p.cnn.leaveOneOut },
      groupedByEvent: false,
    },
    shapImage: { image: 0, maxEvals: p.shapImage.maxEvals, batchSize: 50, outputs: 2 },
    classMaps: { nPerClass: p.classMaps.nPerClass, maxEvals: p.classMaps.maxEvals, batchSize: 50, seed, outDir: where.cacheDir("shap") },
    forest: { nEstimators: p.forest.nEstimators, nExplain: p.forest.nExplain, seed, perStation: true, cacheDir: where.cacheDir("forests") },
    spectra: { station, selection: { maxDistanceKm: p.maxDistanceKm } },
  });
}

/** Freezes the plain objects of the settings (not the folders' functions), so no notebook changes them by accident. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) if (v && typeof v === "object") deepFreeze(v);
  }
  return value;
}
