/**
 * Named points where a long job can be killed on purpose, for tests of interruption: with the environment
 * variable SEISMIC_XAI_KILL_AT=<name> (or <name>:<n>), the process sends itself SIGKILL the first (or n-th)
 * time it passes the point `name`, exactly as `kill -9` would stop it there: no `finally`, no exit
 * handlers, whatever is on disk stays. Without the variable a kill point costs one string comparison.
 */

const passes = new Map<string, number>();

/** The environment variable read by `killPoint`. */
export const KILL_AT_ENV = "SEISMIC_XAI_KILL_AT";

/** Kills this process (SIGKILL) when SEISMIC_XAI_KILL_AT names this point and its pass count (see the file comment). */
export function killPoint(name: string): void {
  const spec = process.env[KILL_AT_ENV];
  if (!spec) return;
  const m = /^(.*?)(?::(\d+))?$/.exec(spec);
  if (!m || m[1] !== name) return;
  const n = (passes.get(name) ?? 0) + 1;
  passes.set(name, n);
  if (n === Number(m[2] ?? 1)) process.kill(process.pid, "SIGKILL");
}
