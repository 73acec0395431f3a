import fs from "node:fs";
import path from "node:path";
import { redactPaths } from "../core/display-path";
import { writeFileAtomic } from "../core/atomic";
import { InputError } from "../core/errors";
import { SPECTROGRAM_IMAGE_SHAPE } from "../spectrogram/spectrogram-image";
import { PAPER_CNN_SHAP } from "./cnn-shap";
import { channelMeanPeaks } from "./cnn-shap-peaks";

/** One line of the paper-versus-ours comparison. */
export interface ComparisonRow {
  readonly section: string;
  readonly quantity: string;
  readonly paper: number | string | null;
  readonly ours: number | string | null;
  /** Results file the number comes from. */
  readonly source: string;
}

function readJson(file: string): any | null {
  if (!fs.existsSync(file)) return null;
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new InputError(file, `not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
}

function peakText(peak: any): string | null {
  if (!peak) return null;
  return `${Number(peak.value).toFixed(3)} at ${Number(peak.freqHz).toFixed(1)} Hz, ${Number(peak.timeS).toFixed(2)} s`;
}

/**
 * Our class map's maximum as the paper states its own: on the channel-mean map (the authors averaged the
 * three channels; our maps may sum them, three times larger) after the authors' batch-max normalisation. A
 * map normalised otherwise is reported with that normalisation named, since its values do not compare.
 */
function shapPeakComparison(config: { channelReduction?: string; normalise?: string }, c: any): { quantity: string; ours: string | null } {
  const normalisedAsPaper = config.normalise === PAPER_CNN_SHAP.normalise;
  const quantity = `maximum, channel mean${normalisedAsPaper ? ", batch-max normalised as the paper" : ""} (${c.count} images averaged)`;
  if (!c.peaks) return { quantity, ours: null };
  const reduction = config.channelReduction;
  if (reduction !== "sum" && reduction !== "mean") {
    return { quantity, ours: `${peakText(c.peaks.max)} (channel reduction not recorded: not comparable)` };
  }
  const mean = channelMeanPeaks(c.peaks, reduction, SPECTROGRAM_IMAGE_SHAPE[2]);
  const notes = [
    ...(reduction === "sum" ? [`channel sum ${Number(c.peaks.max.value).toFixed(3)}`] : []),
    ...(normalisedAsPaper ? [] : [`normalised "${config.normalise ?? "unknown"}", not the paper's "${PAPER_CNN_SHAP.normalise}": values not comparable`]),
  ];
  return { quantity, ours: `${peakText(mean.max)}${notes.length ? ` (${notes.join("; ")})` : ""}` };
}

/**
 * Every number of the paper next to ours, read from the result files the notebooks wrote in `resultsDir`
 * (cnn-experiments.json, shap-nrca.json, shap-all-stations.json, magnitude.json); a file not there yet is
 * reported as missing rather than guessed.
 */
export function paperComparison(resultsDir: string): { rows: ComparisonRow[]; missing: string[] } {
  const rows: ComparisonRow[] = [];
  const missing: string[] = [];
  const cnn = readJson(path.join(resultsDir, "cnn-experiments.json"));
  if (cnn) {
    for (const r of cnn.table as any[]) {
      if (r.paperAccuracy !== null && r.paperAccuracy !== undefined) {
        rows.push({ section: "CNN (§3)", quantity: `test accuracy: ${r.experiment} (trained on ${r.trainedOn}, tested on ${r.testedOn}, ${r.nTest} traces)`, paper: r.paperAccuracy, ours: r.accuracy, source: "cnn-experiments.json" });
      }
    }
    const nrca = (cnn.table as any[]).find((r) => r.experiment === "nrca");
    if (nrca) {
      rows.push({ section: "CNN (§3)", quantity: "NRCA model: precision / recall / F1", paper: "0.9922 / 0.9980 / 0.9951", ours: `${nrca.precision.toFixed(4)} / ${nrca.recall.toFixed(4)} / ${nrca.f1.toFixed(4)}`, source: "cnn-experiments.json" });
    }
    const loso = cnn.leaveOneStationOut;
    if (loso && typeof loso === "object") {
      rows.push({ section: "CNN, beyond the paper", quantity: "leave-one-station-out: mean accuracy on the held-out station / in distribution", paper: null, ours: `${Number(loso.meanHeldOutAccuracy).toFixed(3)} / ${Number(loso.meanInDistributionAccuracy).toFixed(3)}`, source: "cnn-experiments.json" });
    }
  } else missing.push("cnn-experiments.json");
  const paperPeaks: Record<string, [string, string]> = {
    nrca: ["0.233 at about 36 Hz just after P (paper axis mirrored: drawn at 14 Hz)", "0.050 at about 33 Hz, 13 s"],
    "all-stations": ["16 to 27 Hz", "28 to 40 Hz"],
  };
  for (const name of ["nrca", "all-stations"]) {
    const shap = readJson(path.join(resultsDir, `shap-${name}.json`));
    if (!shap) {
      missing.push(`shap-${name}.json`);
      continue;
    }
    for (const c of shap.classes as any[]) {
      const { quantity, ours } = shapPeakComparison(shap.config ?? {}, c);
      rows.push({ section: "SHAP maps (§4, Fig. 3-4)", quantity: `${name} model, ${c.name} map ${quantity}`, paper: paperPeaks[name][c.classIndex], ours, source: `shap-${name}.json` });
    }
    if (shap.timing?.perImageSeconds) {
      rows.push({ section: "SHAP maps (§4, Fig. 3-4)", quantity: `${name}: seconds per explained image (max_evals ${shap.config.maxEvals})`, paper: "5.2 (shap 0.51 + PyTorch, same machine)", ours: Number(shap.timing.perImageSeconds).toFixed(2), source: `shap-${name}.json` });
    }
  }
  const mag = readJson(path.join(resultsDir, "magnitude.json"));
  if (mag) {
    for (const c of mag.comparison as any[]) {
      rows.push({ section: "Magnitude forest (§5, Fig. 6)", quantity: `${c.quantity} (random split; grouped by event: ${c.groupedByEvent === null || c.groupedByEvent === undefined ? "n/a" : Number(c.groupedByEvent).toFixed(4)})`, paper: c.paper, ours: c.random, source: "magnitude.json" });
    }
    const top = (mag.random?.topFeatures ?? []).slice(0, 7).map((f: any) => f.name).join(", ");
    rows.push({ section: "TreeSHAP (§5, Fig. 7)", quantity: "top features by mean |SHAP|", paper: (mag.paper?.topFeatures ?? []).join(", "), ours: top, source: "magnitude.json" });
  } else missing.push("magnitude.json");
  return { rows, missing };
}

function cell(v: number | string | null): string {
  if (v === null || v === undefined) return "—";
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : v.toFixed(4);
  return v.replace(/\|/g, "\\|");
}

/**
 * Writes `<resultsDir>/summary.md` (atomically): the comparison as a Markdown table; returns its path. Its
 * opening paragraph says what the comparison means: on generated data (`generatedData`, the default, as
 * `studySettings().dataset.generated` reports it) our numbers measure the method, not the paper's recordings.
 */
export function writeSummary(resultsDir: string, options: { title?: string; notes?: readonly string[]; generatedData?: boolean } = {}): string {
  const { rows, missing } = paperComparison(resultsDir);
  const about =
    options.generatedData === false
      ? [
          "Written by notebooks/09-paper-vs-ours.ipynb from the results files in this folder, on the D-set's own recordings",
          "(SEISMIC_XAI_DSET): like with like, up to the departures from the paper that docs/paper-pipeline.md names.",
        ]
      : [
          "Written by notebooks/09-paper-vs-ours.ipynb from the results files in this folder. The data set is generated",
          "(lib/data/generator.ts, data/README.md), so our numbers measure the method on generated data; run on the real",
          "D-set (SEISMIC_XAI_DSET) to compare like with like.",
        ];
  const lines = [
    `# ${options.title ?? "seismic-xai: the paper's numbers and ours"}`,
    "",
    ...about,
    "",
    "| section | quantity | paper | ours | source |",
    "|---|---|---|---|---|",
    ...rows.map((r) => `| ${r.section} | ${cell(r.quantity)} | ${cell(r.paper)} | ${cell(r.ours)} | ${r.source} |`),
    "",
    ...(missing.length ? [`Missing results files: ${missing.join(", ")} (run the notebooks that write them).`, ""] : []),
    ...(options.notes ?? []).map((n) => `- ${redactPaths(n)}`),
  ];
  const file = path.join(resultsDir, "summary.md");
  writeFileAtomic(file, lines.join("\n") + "\n");
  return file;
}
