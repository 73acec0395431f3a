/**
 * Plots take an object first (an Explanation, a Trace, a spectrogram, a result) and an options object of what
 * a user may change; a plot's plain-array input stays accepted, with the options spread over it.
 */

/** `options` without its undefined members, so that spreading it over an input keeps the input's values. */
export function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>;
}
