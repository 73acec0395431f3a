import { test } from "node:test";
import assert from "node:assert/strict";
import { MinHeap } from "../../lib/core/min-heap";
import { Rng } from "../../lib/core/rng";

test("pops in comparator order, with interleaved pushes", () => {
  const rng = new Rng("min-heap");
  const heap = new MinHeap<number>((a, b) => a - b);
  const held: number[] = [];
  const popped: number[] = [];
  const expected: number[] = [];
  for (let step = 0; step < 2000; step++) {
    if (held.length > 0 && rng.random() < 0.4) {
      held.sort((a, b) => a - b);
      expected.push(held.shift()!);
      popped.push(heap.pop());
    } else {
      const v = rng.int(50);
      held.push(v);
      heap.push(v);
    }
    assert.equal(heap.length, held.length);
  }
  assert.deepEqual(popped, expected);
});

test("the comparator's tie-break decides between equal keys; an empty heap refuses to pop", () => {
  const heap = new MinHeap<{ key: number; seq: number }>((a, b) => (a.key !== b.key ? a.key - b.key : a.seq - b.seq));
  [3, 1, 3, 1, 2, 3].forEach((key, seq) => heap.push({ key, seq }));
  const order = Array.from({ length: 6 }, () => heap.pop().seq);
  assert.deepEqual(order, [1, 3, 4, 0, 2, 5]);
  assert.throws(() => heap.pop(), /MinHeap\.pop: the heap is empty/);
});
