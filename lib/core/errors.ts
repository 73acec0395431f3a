/**
 * Errors that name what is wrong with the input: the file, the trace, the column, the shape. Users meet
 * these instead of a stack trace from inside a dependency.
 */
export class InputError extends Error {
  override readonly name = "InputError";
  /** @param where the file, trace or argument at fault (printed first) */
  constructor(readonly where: string, message: string, options?: { cause?: unknown }) {
    super(`${where}: ${message}`, options);
  }
}

/** Throws an `InputError` unless `condition` holds. */
export function assertInput(condition: unknown, where: string, message: string): asserts condition {
  if (!condition) throw new InputError(where, message);
}

/** Throws unless every element of `a` is finite; names the first bad index. */
export function assertFinite(a: ArrayLike<number>, where: string): void {
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i])) throw new InputError(where, `non-finite value ${a[i]} at index ${i}`);
  }
}
