import { consoleProgress, formatProgress, type ProgressFn } from "../core/progress";
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
  let doneAtStart: number | null = null;
  return (done, total, label) => {
    doneAtStart ??= done;
    const now = Date.now();
    if (done < total && now - last < intervalMs) return;
    last = now;
    // Best effort: tslab's output socket refuses a message while the previous one is still being sent
    // (EBUSY), and a progress line is never worth failing the computation it reports on.
    try {
      d.text(formatProgress(task, done, total, label, (now - start) / 1000, doneAtStart));
    } catch {
      last = 0;
    }
  };
}
