import { test } from "node:test";
import assert from "node:assert/strict";
import { SegmentDefaults, segmentPlan } from "../../lib/spectrogram/segment-plan";
import { boxcar, hann } from "../../lib/spectrogram/window";

const HANN: SegmentDefaults = { windowName: "test-hann", window: (n) => hann(n), nperseg: 16, noverlap: (n) => Math.floor(n / 2) };
const BOXCAR: SegmentDefaults = { windowName: "test-boxcar", window: (n) => boxcar(n), nperseg: 16, noverlap: () => 4 };

test("default windows: nperseg capped at the signal, overlap from the capped length, one cached plan per configuration", () => {
  const a = segmentPlan(100, 10, {}, HANN, "t");
  assert.deepEqual([a.nperseg, a.noverlap, a.fsHz], [16, 8, 10]);
  assert.equal(segmentPlan(100, 10, {}, HANN, "t"), a);
  assert.notEqual(segmentPlan(100, 10, {}, BOXCAR, "t"), a, "the default window is part of the key");
  assert.notEqual(segmentPlan(100, 10, { scaling: "spectrum" }, HANN, "t"), a);
  const short = segmentPlan(10, 10, {}, HANN, "t");
  assert.deepEqual([short.nperseg, short.noverlap], [10, 5]);
  assert.deepEqual(Array.from(short.window), Array.from(hann(10)));
});

test("a given window is used as is, sets nperseg and must fit the signal", () => {
  const w = boxcar(8);
  const p = segmentPlan(100, 1, { window: w }, HANN, "t");
  assert.deepEqual([p.nperseg, p.noverlap], [8, 4]);
  assert.deepEqual(Array.from(p.window), Array.from(w));
  assert.throws(() => segmentPlan(100, 1, { window: w, nperseg: 16 }, HANN, "est"), /^InputError: est: window has 8 samples but nperseg is 16$/);
  assert.throws(() => segmentPlan(5, 1, { window: w }, HANN, "est"), /the signal \(5 samples\) is shorter than the window \(8\)/);
  assert.throws(() => segmentPlan(0, 1, {}, HANN, "est"), /est: the signal is empty/);
  assert.throws(() => segmentPlan(100, 1, { nperseg: 2.5 }, HANN, "est"), /nperseg must be a positive integer, got 2.5/);
});
