/**
 * Progress reporting for long jobs. A `ProgressFn` receives (done, total, label); the default prints a line
 * at most every `intervalMs` to stderr (so piped stdout stays clean), and notebooks pass their own.
 */
export type ProgressFn = (done: number, total: number, label?: string) => void;

/** A console progress reporter, rate-limited; always prints the final step. */
export function consoleProgress(task: string, intervalMs = 1000): ProgressFn {
  let last = 0;
  const start = Date.now();
  return (done, total, label) => {
    const now = Date.now();
    if (done < total && now - last < intervalMs) return;
    last = now;
    const pct = total > 0 ? ((100 * done) / total).toFixed(1) : "100.0";
    const elapsedS = (now - start) / 1000;
    const etaS = done > 0 && done < total ? (elapsedS * (total - done)) / done : 0;
    const eta = done < total && done > 0 ? `, ~${etaS.toFixed(0)} s left` : "";
    process.stderr.write(`${task}: ${done}/${total} (${pct}%)${label ? " " + label : ""} [${elapsedS.toFixed(1)} s${eta}]\n`);
  };
}

/** A progress reporter that prints nothing. */
export const silentProgress: ProgressFn = () => {};
