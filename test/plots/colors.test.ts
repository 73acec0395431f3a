import { test } from "node:test";
import assert from "node:assert/strict";
import { RED_BLUE, RED_BLUE_STOPS, RED_TRANSPARENT_BLUE, SHAP_BLUE, SHAP_RED, colorscaleAt, parseColor, toHex, withAlpha } from "../../lib/plots/colors";

test("shap's red and blue end the red_blue table (D.1)", () => {
  assert.equal(RED_BLUE_STOPS.length, 21);
  assert.equal(RED_BLUE_STOPS[0], SHAP_BLUE);
  assert.equal(RED_BLUE_STOPS[20], SHAP_RED);
  assert.deepEqual(RED_BLUE.map(([p]) => p), Array.from({ length: 21 }, (_, i) => i / 20));
  assert.equal(toHex(colorscaleAt(RED_BLUE, 0.5)), "#9c23ad");
  assert.equal(toHex(colorscaleAt(RED_BLUE, 0.6)), "#bb00a0");
});

test("red_transparent_blue is opaque at the ends and transparent at 0", () => {
  const lo = colorscaleAt(RED_TRANSPARENT_BLUE, 0), hi = colorscaleAt(RED_TRANSPARENT_BLUE, 1), mid = colorscaleAt(RED_TRANSPARENT_BLUE, 0.5);
  assert.deepEqual([lo.r, lo.g, lo.b, lo.a], [30, 136, 229, 1]);
  assert.deepEqual([hi.r, hi.g, hi.b, hi.a], [255, 13, 87, 1]);
  assert.equal(mid.a, 0);
  const quarter = colorscaleAt(RED_TRANSPARENT_BLUE, 0.75);
  assert.ok(Math.abs(quarter.a - (0.75 - 0.5025) / (1 - 0.5025)) < 1e-12);
  assert.equal(quarter.r, 255);
});

test("colour parsing and interpolation", () => {
  assert.deepEqual(parseColor("#abc"), { r: 170, g: 187, b: 204, a: 1 });
  assert.deepEqual(parseColor("rgba(1, 2, 3, 0.5)"), { r: 1, g: 2, b: 3, a: 0.5 });
  assert.deepEqual(parseColor("white"), { r: 255, g: 255, b: 255, a: 1 });
  assert.equal(withAlpha("#ff0051", 0.2), "rgba(255,0,81,0.2)");
  const mid = colorscaleAt([[0, "#000000"], [1, "#ffffff"]], 0.5);
  assert.equal(mid.r, 127.5);
  assert.equal(toHex(colorscaleAt([[0, "#000000"], [1, "#ffffff"]], 2)), "#ffffff");
  assert.throws(() => parseColor("hsl(0,0%,0%)"), /parseColor: unsupported colour "hsl/);
});
