/**
 * The class-averaged SHAP maps of a CNN (explainCnnClassMaps) as a results file, results/shap-<name>.json,
 * read by the notebooks (Fig. 3 and 4) and by people: the maps with their axes in Hz and s, where they peak,
 * what went into them (counts, the explained images and their base values), the settings and the timings,
 * beside the paper's reference numbers. The per-image SHAP values are not repeated here: they are in the
 * run's resumable outFile (lib/shap/partition/explain-run.ts), whose path is recorded.
 */
import fs from "node:fs";
import path from "node:path";
import { InputError } from "../core/errors";
import type { CnnClassMapsResult, CnnShapRunTiming } from "./cnn-shap";
import { PAPER_CNN_SHAP } from "./cnn-shap";
import type { MapPeaks } from "./cnn-shap-peaks";
import { writeResultJson } from "./results";

const FORMAT = "seismic-xai/cnn-shap-results";

/** One class in the results file. */
export interface CnnShapClassJson {
  readonly classIndex: number;
  readonly name: string;
  readonly count: number;
  readonly nBatches: number;
  readonly nCorrect: number;
  readonly nImages: number;
  readonly peaks: MapPeaks | null;
  /** H x W row-major, row 0 = 0 Hz. */
  readonly map: readonly number[];
}

/** Layout of results/shap-<name>.json. */
export interface CnnShapResultsJson {
  readonly format: typeof FORMAT;
  readonly version: 1;
  readonly name: string;
  readonly config: CnnClassMapsResult["config"];
  readonly axes: {
    /** [H, W] of every map. */
    readonly shape: readonly [number, number];
    readonly layout: string;
    readonly freqsHz: readonly number[];
    readonly timesS: readonly number[];
    /** Where every D-set window puts the P arrival, s. */
    readonly pArrivalS: number;
  };
  readonly counts: CnnClassMapsResult["counts"];
  readonly classes: readonly CnnShapClassJson[];
  /** The explained images, columns in explanation order. */
  readonly images: {
    readonly index: readonly number[];
    readonly traceNames: readonly string[];
    readonly stations: readonly (string | null)[];
    readonly trueLabels: readonly number[];
    readonly predicted: readonly number[];
    readonly evalCounts: readonly number[];
    /** Model output of the explained class with every pixel hidden (f00). */
    readonly baseValues: readonly number[];
    /** Model output of the explained class on the unmasked image (f11 = base + sum of the values). */
    readonly modelOutputs: readonly number[];
  };
  readonly timing: CnnShapRunTiming;
  /** The per-image values (explainToFile's file), or null when the run kept them in memory only. */
  readonly outFile: string | null;
  readonly paper: typeof PAPER_CNN_SHAP;
}

/** A results file read back, with the maps as typed arrays. */
export interface CnnShapResults extends Omit<CnnShapResultsJson, "classes" | "axes"> {
  readonly axes: Omit<CnnShapResultsJson["axes"], "freqsHz" | "timesS"> & { readonly freqsHz: Float64Array; readonly timesS: Float64Array };
  readonly classes: readonly (Omit<CnnShapClassJson, "map"> & { readonly map: Float64Array })[];
}

/** The file name of the results called `name`: `shap-<name>.json`. */
export function cnnShapResultsFileName(name: string): string {
  if (typeof name !== "string" || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) {
    throw new InputError("cnnShapResults", `name must be letters, digits, ".", "_" or "-" (it becomes shap-<name>.json), got ${JSON.stringify(name)}`);
  }
  return `shap-${name}.json`;
}

/**
 * Writes `result` to `<resultsDir>/shap-<name>.json` atomically (CnnShapResultsJson; maps H x W row-major,
 * row 0 = 0 Hz) and returns the path. `name` says which model and data, e.g. "nrca" or "all-stations".
 */
export function writeCnnShapResults(resultsDir: string, name: string, result: CnnClassMapsResult): string {
  const fileName = cnnShapResultsFileName(name);
  const e = result.explanation;
  const json: CnnShapResultsJson = {
    format: FORMAT,
    version: 1,
    name,
    config: result.config,
    axes: {
      shape: [result.height, result.width],
      layout: "each map is H x W row-major: row i at freqsHz[i] (row 0 = 0 Hz), column j at timesS[j]",
      freqsHz: Array.from(result.freqsHz),
      timesS: Array.from(result.timesS),
      pArrivalS: 5,
    },
    counts: result.counts,
    classes: result.classes.map((c) => ({
      classIndex: c.classIndex,
      name: c.name,
      count: c.count,
      nBatches: c.nBatches,
      nCorrect: c.nCorrect,
      nImages: c.nImages,
      peaks: c.peaks,
      map: Array.from(c.map),
    })),
    images: {
      index: Array.from(result.images.index),
      traceNames: result.images.traceNames,
      stations: result.images.stations,
      trueLabels: Array.from(result.images.trueLabels),
      predicted: Array.from(result.images.predicted),
      evalCounts: Array.from(result.images.evalCounts),
      baseValues: Array.from(e.baseValues),
      modelOutputs: e.modelOutputs ? Array.from(e.modelOutputs) : [],
    },
    timing: result.timing,
    outFile: result.outFile,
    paper: PAPER_CNN_SHAP,
  };
  return writeResultJson(resultsDir, fileName, json);
}

/**
 * Reads `<resultsDir>/shap-<name>.json` written by writeCnnShapResults. Throws an InputError naming the file
 * when it is missing, not such a results file, or its maps do not match its axes.
 */
export function readCnnShapResults(resultsDir: string, name: string): CnnShapResults {
  const file = path.join(resultsDir, cnnShapResultsFileName(name));
  if (!fs.existsSync(file)) throw new InputError(file, "no such results file: run explainCnnClassMaps and writeCnnShapResults first");
  let json: CnnShapResultsJson;
  try {
    json = JSON.parse(fs.readFileSync(file, "utf8")) as CnnShapResultsJson;
  } catch (e) {
    throw new InputError(file, `is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!json || json.format !== FORMAT || json.version !== 1) throw new InputError(file, `is not a ${FORMAT} version 1 file`);
  const [h, w] = json.axes.shape;
  if (json.axes.freqsHz.length !== h || json.axes.timesS.length !== w) {
    throw new InputError(file, `axes hold ${json.axes.freqsHz.length} frequencies and ${json.axes.timesS.length} times for maps of ${h} x ${w}`);
  }
  const classes = json.classes.map((c) => {
    if (c.map.length !== h * w) throw new InputError(file, `the map of class ${c.name} has ${c.map.length} values, expected ${h} x ${w}`);
    // writeResultJson writes NaN as null; a map never holds one, so a null means a damaged file.
    if (c.map.some((v) => typeof v !== "number")) throw new InputError(file, `the map of class ${c.name} holds a non-number`);
    return { ...c, map: Float64Array.from(c.map) };
  });
  return { ...json, axes: { ...json.axes, freqsHz: Float64Array.from(json.axes.freqsHz), timesS: Float64Array.from(json.axes.timesS) }, classes };
}
