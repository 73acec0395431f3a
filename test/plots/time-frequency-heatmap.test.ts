import { test } from "node:test";
import assert from "node:assert/strict";
import { VIRIDIS } from "../../lib/plots/colors";
import { timeFrequencyHeatmap } from "../../lib/plots/time-frequency-heatmap";

const base = { values: [1, NaN, 3, 4, 5, 6], freqsHz: Float64Array.of(0, 1.5625), timesS: Float64Array.of(0.32, 0.48, 0.64), colorscale: VIRIDIS, zmin: 0, zmax: 6, colorbar: { thickness: 16 } };

test("rows are frequencies from 0 Hz, columns times; non-finite cells are gaps; no smoothing", () => {
  const h = timeFrequencyHeatmap(base);
  assert.deepEqual(h.z, [[1, null, 3], [4, 5, 6]]);
  assert.deepEqual([h.x, h.y], [[0.32, 0.48, 0.64], [0, 1.5625]]);
  assert.deepEqual([h.type, h.zmin, h.zmax, h.zsmooth], ["heatmap", 0, 6, false]);
  assert.equal(h.hovertemplate, "t = %{x:.2f} s<br>f = %{y:.2f} Hz<br>%{z:.4g}<extra></extra>");
  // Unset options leave no key behind: figure JSON (and the SVG ids hashed from it) stays minimal.
  for (const key of ["name", "xaxis", "yaxis", "showscale"]) assert.ok(!(key in h), key);
});

test("a named panel on other axes: the name heads the hover text, the value label precedes the value", () => {
  const h = timeFrequencyHeatmap({ ...base, name: "aftershock", xaxis: "x2", yaxis: "y2", showscale: false, valueLabel: "SHAP " });
  assert.deepEqual([h.name, h.xaxis, h.yaxis, h.showscale], ["aftershock", "x2", "y2", false]);
  assert.equal(h.hovertemplate, "aftershock<br>t = %{x:.2f} s<br>f = %{y:.2f} Hz<br>SHAP %{z:.4g}<extra></extra>");
});
