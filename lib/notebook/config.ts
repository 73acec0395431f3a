/**
 * Notebook configuration: one object of full-run values and a `quick` override that CI selects with
 * QUICK=1 (papermill's "parameters" cell without papermill).
 */
import { studyPreset } from "../pipeline/study";

/** True when the quick (CI) preset is in force: QUICK=1, or SEISMIC_XAI_SETTINGS=quick (lib/pipeline/study.ts). */
export function isQuick(): boolean {
  return studyPreset() === "quick";
}

/** Returns `full` with the `quick` values merged over it when QUICK=1. */
export function notebookConfig<T extends object>(full: T, options: { quick?: Partial<T> } = {}): T & { quick: boolean } {
  const quick = isQuick();
  return Object.freeze({ ...full, ...(quick ? options.quick ?? {} : {}), quick }) as T & { quick: boolean };
}
