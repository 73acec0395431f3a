import { consoleProgress, formatProgress, type ProgressFn, type ProgressStart } from "../core/progress";
import { insideTslab, newDisplay } from "./tslab-display";

/**
 * Progress for long notebook loops: one output updated in place (tslab.newDisplay) instead of thousands
 * of lines, with the time left (`formatProgress`); outside a notebook, rate-limited console lines.
 * `npm run reproduce` shows the same text as the running cell's live line in the terminal.
 */
export function notebookProgress(task: string, intervalMs = 1000): ProgressFn {
  if (!insideTslab()) return consoleProgress(task, intervalMs * 2);
  const d = newDisplay();
  const start = Date.now();
  let last = 0;
  let first: ProgressStart | null = null;
  return (done, total, label) => {
    const now = Date.now();
    first ??= { done, elapsedS: (now - start) / 1000 };
    if (done < total && now - last < intervalMs) return;
    last = now;
    // Best effort: tslab's output socket refuses a message while the previous one is still being sent
    // (EBUSY), and a progress line is never worth failing the computation it reports on.
    try {
      d.text(formatProgress(task, done, total, label, (now - start) / 1000, first));
    } catch {
      last = 0;
    }
  };
}
