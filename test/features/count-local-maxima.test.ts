import { test } from "node:test";
import assert from "node:assert/strict";
import { countLocalMaxima } from "../../lib/features/count-local-maxima";
import { Rng } from "../../lib/core/rng";

test("strict maxima, plateaus once, edges never (scipy.signal.find_peaks without conditions)", () => {
  assert.equal(countLocalMaxima([0, 1, 0]), 1);
  assert.equal(countLocalMaxima([0, 1, 1, 1, 0]), 1);
  assert.equal(countLocalMaxima([0, 1, 1, 2, 0]), 1); // a step up is not a plateau peak
  assert.equal(countLocalMaxima([0, 2, 2]), 0); // a plateau reaching the end is not a peak
  assert.equal(countLocalMaxima([3, 0, 3]), 0); // edges
  assert.equal(countLocalMaxima([0, 1, 0, 1, 0, 1, 0]), 3);
  assert.equal(countLocalMaxima([0, 1, 1, 0, 1, 1, 1, 2, 0, 2, 2, 2, 1]), 3);
  assert.equal(countLocalMaxima([1, 1, 1, 1]), 0);
  assert.equal(countLocalMaxima([]), 0);
  assert.equal(countLocalMaxima([5]), 0);
  assert.equal(countLocalMaxima(Float64Array.of(9, 0, 1, 0, 9), 1, 3), 1);
});

test("random sequences: same count as the definition through plateau run-lengths", () => {
  const rng = new Rng("peaks");
  for (let trial = 0; trial < 200; trial++) {
    const x = Array.from({ length: 40 }, () => rng.int(4));
    // Collapse runs of equal values; a peak is an interior run higher than both neighbouring runs.
    const runs: number[] = [];
    for (const v of x) if (runs.length === 0 || runs[runs.length - 1] !== v) runs.push(v);
    let expected = 0;
    for (let r = 1; r < runs.length - 1; r++) if (runs[r] > runs[r - 1] && runs[r] > runs[r + 1]) expected++;
    assert.equal(countLocalMaxima(x), expected, JSON.stringify(x));
  }
});
