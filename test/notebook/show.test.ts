import { test } from "node:test";
import assert from "node:assert/strict";
import { showTable } from "../../lib/notebook/show";

/** The plain-text twin showTable prints outside a notebook. */
function printed(run: () => void): string {
  const lines: string[] = [];
  const original = console.log;
  console.log = (s: unknown) => lines.push(String(s));
  try {
    run();
  } finally {
    console.log = original;
  }
  return lines.join("\n");
}

test("showTable shows every key of the first row, or the columns asked for, in that order", () => {
  const rows = [{ experiment: "nrca", seconds: 12.3456, accuracy: 0.99571, paper: null }, { experiment: "all", seconds: 50, accuracy: 0.9, paper: 0.9575 }];
  assert.equal(printed(() => showTable(rows, { digits: 2 })), "experiment\tseconds\taccuracy\tpaper\nnrca\t12.35\t1.00\t\nall\t50\t0.90\t0.96");
  assert.equal(printed(() => showTable(rows, { columns: ["accuracy", "experiment"], digits: 3 })), "accuracy\texperiment\n0.996\tnrca\n0.900\tall");
});
