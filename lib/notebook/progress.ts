import { ProgressFn } from "../core/progress";
import { insideTslab, newDisplay } from "./tslab-display";
import { consoleProgress } from "../core/progress";

/**
 * Progress for long notebook loops: one output updated in place (tslab.newDisplay) instead of thousands
 * of lines; outside a notebook, rate-limited console lines.
 */
export function notebookProgress(task: string, intervalMs = 1000): ProgressFn {
  if (!insideTslab()) return consoleProgress(task, intervalMs * 2);
  const d = newDisplay();
  const start = Date.now();
  let last = 0;
  return (done, total, label) => {
    const now = Date.now();
    if (done < total && now - last < intervalMs) return;
    last = now;
    const pct = total > 0 ? (100 * done) / total : 100;
    const s = ((now - start) / 1000).toFixed(1);
    // Best effort: tslab's output socket refuses a message while the previous one is still being sent
    // (EBUSY), and a progress line is never worth failing the computation it reports on.
    try {
      d.text(`${task}: ${done}/${total} (${pct.toFixed(1)}%)${label ? " " + label : ""} [${s} s]`);
    } catch {
      last = 0;
    }
  };
}
