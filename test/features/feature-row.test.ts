import { test } from "node:test";
import assert from "node:assert/strict";
import { featureRow, featureRowNames, METADATA_FEATURE_NAMES } from "../../lib/features/feature-row";
import { waveformFeatures } from "../../lib/features/waveform-features";
import { Rng } from "../../lib/core/rng";

const rng = new Rng("row");
const data = Float64Array.from({ length: 7500 }, () => rng.normal(0, 30));
const row = {
  trace_name: "NRCA.IV.100759982_EV",
  p_travel_sec: "3.21",
  source_latitude: "42.8",
  source_longitude: 13.1,
  source_depth_km: "9.5",
  source_magnitude: "2.3",
};

test("73 features: the 69 waveform features, then the four metadata columns", () => {
  const names = featureRowNames();
  assert.equal(names.length, 73);
  assert.deepEqual(names.slice(69), ["p_travel_sec", "source_latitude", "source_longitude", "source_depth_km"]);
  assert.deepEqual(METADATA_FEATURE_NAMES, names.slice(69));
  const r = featureRow(data, row);
  assert.deepEqual(r.names, names);
  assert.deepEqual(r.values.subarray(0, 69), waveformFeatures(data));
  assert.deepEqual(Array.from(r.values.subarray(69)), [3.21, 42.8, 13.1, 9.5]);
});

test("missing metadata values become NaN", () => {
  const r = featureRow(data, { ...row, p_travel_sec: "", source_depth_km: "nan", source_latitude: null });
  assert.ok(Number.isNaN(r.values[69]) && Number.isNaN(r.values[70]) && Number.isNaN(r.values[72]));
  assert.equal(r.values[71], 13.1);
});

test("an absent column, a non-number or bad samples name the trace", () => {
  const { source_depth_km: _, ...noDepth } = row;
  assert.throws(() => featureRow(data, noDepth), /featureRow: trace NRCA\.IV\.100759982_EV: the metadata row has no column source_depth_km/);
  assert.throws(() => featureRow(data, { ...row, source_latitude: "42,8" }), /trace NRCA\.IV\.100759982_EV: column source_latitude holds "42,8", not a number/);
  const bad = data.slice();
  bad[10] = NaN;
  assert.throws(() => featureRow(bad, row), /featureRow: trace NRCA\.IV\.100759982_EV: waveformFeatures: non-finite sample NaN in channel 0 at index 10/);
  assert.throws(() => featureRow(data.subarray(0, 5000), row), /featureRow: trace NRCA\.IV\.100759982_EV: waveformFeatures: data has 5000 samples/);
});
