/**
 * A binary min-heap under a comparator: `pop` returns the item that `compare` puts first (`compare(a, b) < 0`
 * means a comes before b). Items the comparator calls equal come out in no promised order, so callers that
 * need a reproducible order (shap's tuple keys, the Partition explainer's insertion counter) put their
 * tie-break into the comparator.
 */
export class MinHeap<T> {
  private readonly items: T[] = [];

  /** @param compare negative when its first argument must be popped before its second */
  constructor(private readonly compare: (a: T, b: T) => number) {}

  /** Number of items held. */
  get length(): number {
    return this.items.length;
  }

  /** Adds `item`: O(log n). */
  push(item: T): void {
    const a = this.items;
    a.push(item);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!(this.compare(a[i], a[p]) < 0)) break;
      [a[i], a[p]] = [a[p], a[i]];
      i = p;
    }
  }

  /** Removes and returns the first item: O(log n). Throws on an empty heap. */
  pop(): T {
    const a = this.items;
    if (a.length === 0) throw new Error("MinHeap.pop: the heap is empty");
    const top = a[0];
    const last = a.pop() as T;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let s = i;
        if (l < a.length && this.compare(a[l], a[s]) < 0) s = l;
        if (r < a.length && this.compare(a[r], a[s]) < 0) s = r;
        if (s === i) break;
        [a[i], a[s]] = [a[s], a[i]];
        i = s;
      }
    }
    return top;
  }
}
