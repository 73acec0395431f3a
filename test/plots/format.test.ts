import { test } from "node:test";
import assert from "node:assert/strict";
import { formatValue, sprintfNumber } from "../../lib/plots/format";

test("format_value strips trailing zeros and the dot (docs/shap-reference.md D.1)", () => {
  assert.equal(formatValue(0.1, "%+0.02f"), "+0.1");
  assert.equal(formatValue(1, "%+0.02f"), "+1");
  assert.equal(formatValue(0.25, "%+0.02f"), "+0.25");
  assert.equal(formatValue(10, "%0.03f"), "10");
  assert.equal(formatValue(1.0765, "%0.03f"), "1.077"); // Python: "%.3f" % 1.0765 == "1.077"
  assert.equal(formatValue(0, "%+0.02f"), "+0");
});

test("format_value writes a leading minus as U+2212", () => {
  assert.equal(formatValue(-0.5, "%+0.02f"), "\u22120.5");
  assert.equal(formatValue(-2.111, "%0.03f"), "\u22122.111");
  assert.equal(formatValue(-0.001, "%+0.02f"), "\u22120");
  assert.equal(formatValue("-3.50", "%0.03f"), "\u22123.5");
});

test("printf rounding is half to even on the exact binary value, as in Python", () => {
  // Values checked with Python's "%" operator.
  assert.equal(sprintfNumber("%.2f", 0.125), "0.12");
  assert.equal(sprintfNumber("%.2f", 0.375), "0.38");
  assert.equal(sprintfNumber("%.0f", 2.5), "2");
  assert.equal(sprintfNumber("%.0f", 3.5), "4");
  assert.equal(sprintfNumber("%.1f", 0.25), "0.2");
  assert.equal(sprintfNumber("%.3f", 1.0005), "1.000"); // 1.0005 is stored just below the tie
  assert.equal(sprintfNumber("%.2f", 2.675), "2.67");
  assert.equal(sprintfNumber("%+0.02f", -0), "-0.00");
});

test("printf flags, width and text around the conversion", () => {
  assert.equal(sprintfNumber("%8.3f", -3.14159), "  -3.142");
  assert.equal(sprintfNumber("%-8.2f|", 2.5), "2.50    |");
  assert.equal(sprintfNumber("%08.2f", -2.5), "-0002.50");
  assert.equal(sprintfNumber("% .1f", 2), " 2.0");
  assert.equal(sprintfNumber("x = %d s", 12.9), "x = 12 s");
  assert.equal(sprintfNumber("%f", 1 / 3), "0.333333");
  assert.equal(sprintfNumber("%.2f", NaN), "nan");
});

test("unsupported formats are refused with the format named", () => {
  assert.throws(() => sprintfNumber("%s", 1), /sprintfNumber: unsupported format "%s"/);
  assert.throws(() => sprintfNumber("%.2f %.2f", 1), /unsupported format/);
});
