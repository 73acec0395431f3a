/**
 * Notebook configuration: one object of full-run values and a `quick` override that CI selects with
 * QUICK=1 (papermill's "parameters" cell without papermill).
 */
export function isQuick(): boolean {
  const q = process.env.QUICK;
  return q !== undefined && q !== "" && q !== "0" && q.toLowerCase() !== "false";
}

/** Returns `full` with the `quick` values merged over it when QUICK=1. */
export function notebookConfig<T extends object>(full: T, options: { quick?: Partial<T> } = {}): T & { quick: boolean } {
  const quick = isQuick();
  return Object.freeze({ ...full, ...(quick ? options.quick ?? {} : {}), quick }) as T & { quick: boolean };
}
