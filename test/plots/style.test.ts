import { test } from "node:test";
import assert from "node:assert/strict";
import { pArrivalLabel, pArrivalLine } from "../../lib/plots/p-arrival";
import { assertAscending, axisRef, baseLayout, colourLimits, edgeRange, setAxis, toJsonArray, toRows } from "../../lib/plots/style";

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
