/**
 * Writes CNN predictions to a CSV file (one row per image), atomically, so that figures and the
 * paper-vs-ours comparison can be rebuilt without running the network again.
 */
import { writeFileAtomic } from "../core/atomic";
import { InputError } from "../core/errors";
import type { CnnPredictions } from "./predict";

/** What to write besides the predictions; every array has one entry per image. */
export interface PredictionRows {
  predictions: CnnPredictions;
  /** True labels (0 = foreshock, 1 = aftershock). */
  trueLabels?: ArrayLike<number>;
  /** D-set trace names (column trace_name). */
  traceNames?: ArrayLike<string>;
  /** Stations (column receiver_name). */
  stations?: ArrayLike<string>;
}

/**
 * Writes `file` as CSV with columns index, trace_name, receiver_name, label, predicted, logit_foreshock,
 * logit_aftershock, p_aftershock (optional columns only when given). Logits and probabilities are written
 * with 9 significant digits (float32 round-trips).
 *
 * @returns the number of rows written
 */
export function savePredictionsCsv(file: string, rows: PredictionRows): number {
  const { predictions, trueLabels, traceNames, stations } = rows;
  const n = predictions.labels.length;
  const check = (a: ArrayLike<unknown> | undefined, name: string) => {
    if (a !== undefined && a.length !== n) throw new InputError("savePredictionsCsv", `${name} has ${a.length} entries for ${n} predictions`);
  };
  check(trueLabels, "trueLabels");
  check(traceNames, "traceNames");
  check(stations, "stations");
  const header = ["index"];
  if (traceNames) header.push("trace_name");
  if (stations) header.push("receiver_name");
  if (trueLabels) header.push("label");
  header.push("predicted", "logit_foreshock", "logit_aftershock", "p_aftershock");
  const lines = [header.join(",")];
  const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  for (let i = 0; i < n; i++) {
    const cells: (string | number)[] = [i];
    if (traceNames) cells.push(quote(String(traceNames[i])));
    if (stations) cells.push(quote(String(stations[i])));
    if (trueLabels) cells.push(trueLabels[i]);
    cells.push(
      predictions.labels[i],
      predictions.logits[2 * i].toPrecision(9),
      predictions.logits[2 * i + 1].toPrecision(9),
      predictions.probabilities[2 * i + 1].toPrecision(9),
    );
    lines.push(cells.join(","));
  }
  writeFileAtomic(file, lines.join("\n") + "\n");
  return n;
}
