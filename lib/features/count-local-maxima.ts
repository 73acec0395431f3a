/**
 * Number of local maxima of `x[offset .. offset + n)`, counted as scipy.signal.find_peaks does with no
 * conditions (height, distance, prominence ... all unset): a sample strictly greater than its left
 * neighbour, followed by a run of equal values (a plateau, counted once) and then a strictly smaller
 * value. The first and last samples are never peaks, nor is a plateau that reaches the end.
 */
export function countLocalMaxima(x: ArrayLike<number>, offset = 0, n = x.length - offset): number {
  let count = 0;
  const last = n - 1;
  let i = 1;
  while (i < last) {
    const v = x[offset + i];
    if (x[offset + i - 1] < v) {
      let ahead = i + 1;
      while (ahead < last && x[offset + ahead] === v) ahead++;
      if (x[offset + ahead] < v) {
        count++;
        i = ahead;
      }
    }
    i++;
  }
  return count;
}
