import { test } from "node:test";
import assert from "node:assert/strict";
import type { ScatterTrace } from "../../lib/plots/figure";
import { waveform } from "../../lib/plots/waveform";
import { assertPlainJson, axes } from "./figure-checks";
import { waveformData } from "./plot-fixtures";

test("one panel per channel on a shared time axis in s, amplitude in counts, P line at 5 s", () => {
  const data = waveformData();
  const fig = waveform({ data, samplingRateHz: 100, channels: ["E", "N", "Z"], pArrivalS: 5, title: "NRCA.IV.1_EV" });
  assertPlainJson(fig);
  const traces = fig.data as ScatterTrace[];
  assert.equal(traces.length, 3);
  assert.equal(traces[2].x.length, 2500);
  assert.equal(traces[0].x[100], 1);
  assert.equal(traces[2].y[7], data[2 * 2500 + 7]);
  const a = axes(fig);
  assert.deepEqual([a.yaxis.title!.text, a.yaxis2.title!.text, a.yaxis3.title!.text], ["E (counts)", "N (counts)", "Z (counts)"]);
  assert.equal(a.xaxis3.title!.text, "Time (s)");
  assert.equal(a.xaxis.title, undefined);
  assert.deepEqual(a.xaxis.range, [0, 24.99]);
  assert.equal(a.xaxis2.matches, "x");
  const p = fig.layout.shapes!;
  assert.equal(p.length, 3);
  assert.ok(p.every((s) => s.x0 === 5 && s.x1 === 5));
  assert.equal(fig.layout.annotations![0].text, "P");
});

test("other units and start times; shape errors", () => {
  const fig = waveform({ data: [1, 2, 3, 4], samplingRateHz: 2, channels: ["Z"], units: "m/s", startTimeS: -5, title: "t" });
  assert.deepEqual((fig.data[0] as ScatterTrace).x, [-5, -4.5, -4, -3.5]);
  assert.equal(fig.layout.yaxis!.title!.text, "Z (m/s)");
  assert.deepEqual(fig.layout.shapes, []);
  assert.throws(() => waveform({ data: [1, 2, 3], samplingRateHz: 100, channels: ["E", "N"], title: "t" }), /plots.waveform: data has 3 samples, not a multiple of 2 channels/);
  assert.throws(() => waveform({ data: [1, 2], samplingRateHz: 0, channels: ["E"], title: "t" }), /samplingRateHz must be positive/);
});
