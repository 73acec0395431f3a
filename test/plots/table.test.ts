import { test } from "node:test";
import assert from "node:assert/strict";
import type { TableTrace } from "../../lib/plots/figure";
import { table } from "../../lib/plots/table";
import { assertPlainJson } from "./figure-checks";

test("cells column-major, numbers formatted and right-aligned, text left-aligned", () => {
  const fig = table({ columns: ["Held-out station", "Traces", "Accuracy"], rows: [["NRCA", 1162, 0.99567], ["T1244", 8249, -0.5]], title: "Leave-one-station-out" });
  assertPlainJson(fig);
  const t = fig.data[0] as TableTrace;
  assert.deepEqual(t.cells.values, [["NRCA", "T1244"], ["1162", "8249"], ["0.9957", "\u22120.5000"]]);
  assert.deepEqual(t.cells.align, ["left", "right", "right"]);
  assert.equal(fig.layout.height, 60 + 20 + 30 + 2 * 26);
  assert.throws(() => table({ columns: ["a", "b"], rows: [["x"]], title: "t" }), /row 0 has 1 cells, expected 2/);
});
