import { test } from "node:test";
import assert from "node:assert/strict";
import { pArrivalLabel, pArrivalLine } from "../../lib/plots/p-arrival";
import { PX_PER_POINT, assertAscending, axisRef, barEndLabel, baseLayout, colourLimits, edgeRange, featureRowAxis, panelTitle, rowLine, setAxis, toJsonArray, toRows } from "../../lib/plots/style";

test("array helpers: JSON copies with gaps, rows, cell edges, colour limits", () => {
  assert.deepEqual(toJsonArray(Float64Array.from([1, NaN, Infinity, 4]), 1), [null, null, 4]);
  assert.deepEqual(toRows([1, 2, 3, NaN, 5, 6], 2, 3), [[1, 2, 3], [null, 5, 6]]);
  assert.deepEqual(edgeRange([0, 1.5625, 3.125]), [-0.78125, 3.90625]);
  assert.deepEqual(edgeRange([7]), [6.5, 7.5]);
  assert.deepEqual(colourLimits([3, NaN, -1]), [-1, 3]);
  assert.deepEqual(colourLimits([2, 2]), [1.5, 2.5]);
  assert.deepEqual(colourLimits([2, 2], 0), [0, 2.5]);
});

test("axes are numbered as Plotly numbers them", () => {
  const layout = baseLayout("t", 100.4, 50.6, { l: 1, r: 2, t: 3, b: 4 });
  assert.deepEqual([layout.width, layout.height], [100, 51]);
  setAxis(layout, "x", 1, { range: [0, 1] });
  setAxis(layout, "y", 3, { range: [2, 3] });
  assert.deepEqual(layout.xaxis, { range: [0, 1] });
  assert.deepEqual(layout.yaxis3, { range: [2, 3] });
  assert.deepEqual([axisRef("x", 1), axisRef("y", 2)], ["x", "y2"]);
});

test("coordinates must ascend strictly", () => {
  assertAscending([0, 1, 2], "w", "freqsHz");
  assert.throws(() => assertAscending([0, 1, 1], "plots.x", "freqsHz"), /plots.x: freqsHz must increase strictly: freqsHz\[1\] = 1, freqsHz\[2\] = 1/);
  assert.throws(() => assertAscending([0, NaN], "plots.x", "timesS"), /timesS\[1\] is NaN/);
});

test("the P marker spans its subplot at the given time", () => {
  const line = pArrivalLine("x2", "y2 domain", 5);
  assert.deepEqual([line.x0, line.x1, line.y0, line.y1, line.xref, line.yref], [5, 5, 0, 1, "x2", "y2 domain"]);
  assert.equal(pArrivalLabel("x2", "y2 domain", 5).text, "P");
});

test("shared pieces: panel titles, feature-row axes, row lines, bar-end labels on the side of the sign", () => {
  const title = panelTitle("Foreshocks", "x2");
  assert.deepEqual([title.text, title.xref, title.yref, title.x, title.y, title.xanchor, title.yanchor], ["Foreshocks", "x2 domain", "paper", 0.5, 1, "center", "bottom"]);
  const y = featureRowAxis([-0.5, 1.5], [0, 1], ["a", "b"]);
  assert.deepEqual([y.range, y.tickvals, y.ticktext, y.showline, y.ticks, y.showgrid, y.zeroline], [[-0.5, 1.5], [0, 1], ["a", "b"], false, "", false, false]);
  const line = rowLine(2.5);
  assert.deepEqual([line.xref, line.x0, line.x1, line.yref, line.y0, line.y1, line.layer], ["paper", 0, 1, "y", 2.5, 2.5, "below"]);
  const positive = barEndLabel("+0.50", 0.5, 3, 0.5, "#ff0051");
  const negative = barEndLabel("-0.50", -0.5, 3, -0.5, "#008bfb");
  assert.deepEqual([positive.x, positive.y, positive.xanchor, positive.xshift, positive.font!.color], [0.5, 3, "left", 5 * PX_PER_POINT, "#ff0051"]);
  assert.deepEqual([negative.xanchor, negative.xshift], ["right", -5 * PX_PER_POINT]);
  assert.equal(barEndLabel("+0.00", 0, 1, 0, "#ff0051").xanchor, "left");
});
