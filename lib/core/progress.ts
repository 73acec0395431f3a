/**
 * Progress reporting for long jobs. A `ProgressFn` receives (done, total, label); the default prints a line
 * at most every `intervalMs` to stderr (so piped stdout stays clean), and notebooks pass their own.
 */
export type ProgressFn = (done: number, total: number, label?: string) => void;

/** Where a reporter's first report found the job: work already done, and seconds since the reporter began. */
export interface ProgressStart {
  readonly done: number;
  readonly elapsedS: number;
}

/**
 * One progress line: `task: done/total (pct%) label [elapsed, ~ETA left]`. The ETA extrapolates the rate since
 * the reporter's first report (`since`), so a job that resumed with part of its work done, or whose first
 * report comes after a long first stage, neither promises to finish early nor late; it is shown once something
 * was done since then and until the end. Durations of a minute or more read in minutes, of an hour or more in
 * hours ("~52 min left", not "~3120 s left").
 */
export function formatProgress(task: string, done: number, total: number, label: string | undefined, elapsedS: number, since: ProgressStart = { done: 0, elapsedS: 0 }): string {
  const pct = total > 0 ? ((100 * Math.min(done, total)) / total).toFixed(1) : "100.0";
  const progressed = done - since.done;
  const eta = progressed > 0 && done < total ? `, ~${formatDuration(((elapsedS - since.elapsedS) * (total - done)) / progressed)} left` : "";
  return `${task}: ${done}/${total} (${pct}%)${label ? " " + label : ""} [${formatDuration(elapsedS, 1)}${eta}]`;
}

/** A duration for people: "12.3 s" (seconds to `secondDigits` places) under a minute, "4.2 min", "1.3 h". */
export function formatDuration(seconds: number, secondDigits = 0): string {
  if (seconds < 60) return `${seconds.toFixed(secondDigits)} s`;
  if (seconds < 3600) return `${(seconds / 60).toFixed(1)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/**
 * A console progress reporter, rate-limited; always prints the final step. Its first call sets where the ETA's
 * rate is measured from (`formatProgress`).
 */
export function consoleProgress(task: string, intervalMs = 1000): ProgressFn {
  let last = 0;
  const start = Date.now();
  let first: ProgressStart | null = null;
  return (done, total, label) => {
    const now = Date.now();
    first ??= { done, elapsedS: (now - start) / 1000 };
    if (done < total && now - last < intervalMs) return;
    last = now;
    process.stderr.write(formatProgress(task, done, total, label, (now - start) / 1000, first) + "\n");
  };
}

/** A progress reporter that prints nothing. */
export const silentProgress: ProgressFn = () => {};
