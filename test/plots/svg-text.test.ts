import { test } from "node:test";
import assert from "node:assert/strict";
import { escapeXml, num, parseRichText, plainTextWidthPx, svgText, textWidthPx } from "../../lib/plots/svg-text";

test("rich text: lines, styles, colours and entities", () => {
  const lines = parseRichText('a<br><b>b</b> <span style="color:#999999">0.5 = </span>x<sup>2</sup> &amp; &lt;');
  assert.equal(lines.length, 2);
  assert.deepEqual(lines[0], [{ text: "a", bold: false, italic: false, shift: null, color: null }]);
  assert.deepEqual(
    lines[1].map((r) => [r.text, r.bold, r.color, r.shift]),
    [["b", true, null, null], [" ", false, null, null], ["0.5 = ", false, "#999999", null], ["x", false, null, null], ["2", false, null, "sup"], [" & <", false, null, null]],
  );
  assert.deepEqual(parseRichText("p < 5 and <foo>"), [[{ text: "p < 5 and <foo>", bold: false, italic: false, shift: null, color: null }]]);
});

test("width estimates follow DejaVu Sans advances", () => {
  assert.ok(Math.abs(plainTextWidthPx("0", 10) - 6.36) < 1e-12);
  assert.ok(Math.abs(plainTextWidthPx("ii", 10) - 5.56) < 1e-12);
  assert.equal(textWidthPx("ab<br>abcd", 10), plainTextWidthPx("abcd", 10));
  assert.ok(plainTextWidthPx("W", 12, true) > plainTextWidthPx("W", 12));
});

test("numbers are written with at most two decimals and never as -0", () => {
  assert.equal(num(1.005), "1");
  assert.equal(num(12.3456), "12.35");
  assert.equal(num(-0.001), "0");
  assert.equal(num(2.5), "2.5");
  assert.equal(num(-7), "-7");
});

test("svgText escapes content and anchors lines", () => {
  assert.equal(escapeXml('<a & "b">'), "&lt;a &amp; &quot;b&quot;&gt;");
  const one = svgText("x < y", { x: 10, y: 20, fontSize: 10, color: "#333333", anchor: "middle", baseline: "middle" });
  assert.equal(one, '<text xml:space="preserve" x="10" y="23.6" font-size="10" fill="#333333" text-anchor="middle">x &lt; y</text>');
  const two = svgText("a<br>b", { x: 0, y: 0, fontSize: 10, color: "#000000", anchor: "start", baseline: "top" });
  assert.match(two, /<tspan x="0">a<\/tspan><tspan x="0" dy="13">b<\/tspan>/);
});
