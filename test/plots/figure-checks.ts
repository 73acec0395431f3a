/** Checks shared by the figure-spec tests. */
import assert from "node:assert/strict";
import type { Axis, Figure, HeatmapTrace } from "../../lib/plots/figure";

/** The figure is plain JSON: it survives a JSON round trip unchanged (no typed arrays, NaN or undefined). */
export function assertPlainJson(fig: Figure): void {
  assert.deepEqual(JSON.parse(JSON.stringify(fig)), fig);
  assert.ok(fig.layout.title.text.length > 0, "every figure has a title");
}

/** The axes of a layout by key ("xaxis", "yaxis2", …). */
export function axes(fig: Figure): Record<string, Axis> {
  const out: Record<string, Axis> = {};
  for (const [k, v] of Object.entries(fig.layout)) if (/^[xy]axis\d*$/.test(k) && v) out[k] = v as Axis;
  return out;
}

/** Heatmap traces of a figure. */
export function heatmaps(fig: Figure): HeatmapTrace[] {
  return fig.data.filter((t): t is HeatmapTrace => t.type === "heatmap");
}

/** Frequency axes ascend upwards: y values increase and the y axis is not reversed (0 Hz at the bottom). */
export function assertZeroHzAtBottom(fig: Figure): void {
  for (const h of heatmaps(fig)) {
    for (let i = 1; i < h.y.length; i++) assert.ok(h.y[i] > h.y[i - 1], "y values ascend");
    assert.equal(h.y[0], 0, "row 0 is 0 Hz");
    const y = fig.layout[(h.yaxis ?? "y").replace("y", "yaxis") as "yaxis"]!;
    assert.notEqual(y.autorange, "reversed");
    assert.ok(y.range![0] < y.range![1], "y range runs upwards");
  }
}
