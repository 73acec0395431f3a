/**
 * Text for the static renderer: the small part of Plotly's pseudo-HTML our figures use (`<br>`, `<b>`,
 * `<i>`, `<sup>`, `<sub>`, `<span style="color:…">`, entities &amp; &lt; &gt; &quot; &#N;), turned into SVG
 * `<text>`/`<tspan>`, and a width estimate for laying out margins, legends and tables without a browser.
 * Widths come from DejaVu Sans' advance widths (the first font of `FONT_FAMILY`, matplotlib's default
 * and so shap's look); Verdana, the fallback, has nearly the same metrics.
 */

/** Font stack of every figure (Plotly layout font and SVG). */
export const FONT_FAMILY = "DejaVu Sans, Verdana, Arial, sans-serif";

/** Advance widths of DejaVu Sans for ASCII 32..126, in em. */
const ASCII_WIDTH_EM = [
  0.318, 0.401, 0.46, 0.838, 0.636, 0.95, 0.78, 0.275, 0.39, 0.39, 0.5, 0.838, 0.318, 0.361, 0.318, 0.337, 0.636,
  0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.337, 0.337, 0.838, 0.838, 0.838, 0.531, 1.0, 0.684,
  0.686, 0.698, 0.77, 0.632, 0.575, 0.775, 0.752, 0.295, 0.295, 0.656, 0.557, 0.863, 0.748, 0.787, 0.603, 0.787,
  0.695, 0.635, 0.611, 0.732, 0.684, 0.989, 0.685, 0.611, 0.685, 0.39, 0.337, 0.39, 0.838, 0.5, 0.5, 0.613, 0.635,
  0.55, 0.635, 0.615, 0.352, 0.635, 0.634, 0.278, 0.278, 0.579, 0.278, 0.974, 0.634, 0.612, 0.635, 0.635, 0.411,
  0.521, 0.392, 0.634, 0.592, 0.818, 0.592, 0.592, 0.525, 0.636, 0.337, 0.636, 0.838,
];
const WIDE_SYMBOLS = "\u2212×→≤≥±";

/** One styled piece of a line. */
export interface TextRun {
  text: string;
  bold: boolean;
  italic: boolean;
  shift: "sup" | "sub" | null;
  color: string | null;
}

/** Splits Plotly rich text into lines of styled runs (unknown tags are kept as literal text). */
export function parseRichText(text: string): TextRun[][] {
  const lines: TextRun[][] = [[]];
  let bold = 0, italic = 0;
  const shifts: Array<"sup" | "sub"> = [];
  const colors: Array<string | null> = [];
  const tag = /<(\/?)(br|b|i|sup|sub|span)(\s+style\s*=\s*["']([^"']*)["'])?\s*\/?>/gi;
  let pos = 0;
  const push = (raw: string): void => {
    if (raw === "") return;
    lines[lines.length - 1].push({
      text: decodeEntities(raw),
      bold: bold > 0,
      italic: italic > 0,
      shift: shifts.length ? shifts[shifts.length - 1] : null,
      color: colors.length ? colors[colors.length - 1] : null,
    });
  };
  for (let m = tag.exec(text); m; m = tag.exec(text)) {
    push(text.slice(pos, m.index));
    pos = m.index + m[0].length;
    const closing = m[1] === "/", name = m[2].toLowerCase();
    if (name === "br") lines.push([]);
    else if (name === "b") bold += closing ? -1 : 1;
    else if (name === "i") italic += closing ? -1 : 1;
    else if (name === "sup" || name === "sub") {
      if (closing) shifts.pop();
      else shifts.push(name);
    } else if (name === "span") {
      if (closing) colors.pop();
      else {
        const c = /color\s*:\s*([^;]+)/i.exec(m[4] ?? "");
        colors.push(c ? c[1].trim() : colors.length ? colors[colors.length - 1] : null);
      }
    }
    bold = Math.max(0, bold);
    italic = Math.max(0, italic);
  }
  push(text.slice(pos));
  return lines;
}

function decodeEntities(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|#\d+|#x[0-9a-f]+);/gi, (whole, name: string) => {
    const n = name.toLowerCase();
    if (n === "amp") return "&";
    if (n === "lt") return "<";
    if (n === "gt") return ">";
    if (n === "quot") return '"';
    const code = n.startsWith("#x") ? parseInt(n.slice(2), 16) : parseInt(n.slice(1), 10);
    return Number.isFinite(code) ? String.fromCodePoint(code) : whole;
  });
}

/** Escapes text for SVG content and attribute values. */
export function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function charWidthEm(ch: string): number {
  const c = ch.charCodeAt(0);
  if (c >= 32 && c <= 126) return ASCII_WIDTH_EM[c - 32];
  if (WIDE_SYMBOLS.includes(ch)) return 0.838;
  return 0.65;
}

/** Estimated width in px of one run of plain text. */
export function plainTextWidthPx(text: string, fontSizePx: number, bold = false): number {
  let em = 0;
  for (const ch of text) em += charWidthEm(ch);
  return em * fontSizePx * (bold ? 1.1 : 1);
}

/** Estimated width in px of rich text (the widest line). */
export function textWidthPx(text: string, fontSizePx: number): number {
  let widest = 0;
  for (const line of parseRichText(text)) {
    let w = 0;
    for (const run of line) w += plainTextWidthPx(run.text, run.shift ? fontSizePx * 0.7 : fontSizePx, run.bold);
    widest = Math.max(widest, w);
  }
  return widest;
}

/** Number of lines of rich text. */
export function lineCount(text: string): number {
  return parseRichText(text).length;
}

/** Line spacing as a multiple of the font size. */
export const LINE_HEIGHT = 1.3;

/** Fixed-point number for SVG attributes: at most 2 decimals, no exponent, no "-0". */
export function num(x: number): string {
  const r = Math.round(x * 100) / 100;
  if (r === 0) return "0";
  return Number.isInteger(r) ? r.toFixed(0) : r.toFixed(2).replace(/0$/, "");
}

export interface SvgTextOptions {
  x: number;
  y: number;
  fontSize: number;
  color: string;
  /** Horizontal anchor of the text box at x. */
  anchor: "start" | "middle" | "end";
  /** Which part of the text box sits at y. */
  baseline: "top" | "middle" | "bottom";
  /** Rotation in degrees about (x, y), clockwise positive (SVG's). */
  rotate?: number;
  bold?: boolean;
  className?: string;
}

/** SVG `<text>` for rich text, several lines stacked with `LINE_HEIGHT`, anchored as asked. */
export function svgText(text: string, o: SvgTextOptions): string {
  const lines = parseRichText(text);
  const lh = o.fontSize * LINE_HEIGHT;
  // Baseline of the first line: cap height ≈ 0.73 em above it, descent ≈ 0.24 em below.
  const block = (lines.length - 1) * lh;
  const firstBaseline =
    o.baseline === "top" ? o.y + 0.76 * o.fontSize : o.baseline === "middle" ? o.y - block / 2 + 0.36 * o.fontSize : o.y - block - 0.24 * o.fontSize;
  // Keep spaces at the edges of styled runs ("f(x)" + " = 1.3"), which SVG would otherwise collapse.
  const attrs = [
    `xml:space="preserve"`,
    `x="${num(o.x)}"`,
    `y="${num(firstBaseline)}"`,
    `font-size="${num(o.fontSize)}"`,
    `fill="${escapeXml(o.color)}"`,
  ];
  if (o.anchor !== "start") attrs.push(`text-anchor="${o.anchor}"`);
  if (o.bold) attrs.push(`font-weight="bold"`);
  if (o.rotate) attrs.push(`transform="rotate(${num(o.rotate)} ${num(o.x)} ${num(o.y)})"`);
  if (o.className) attrs.push(`class="${o.className}"`);
  const body: string[] = [];
  // Vertical offset of the current run from its line's baseline (superscripts move it up).
  let shift = 0;
  lines.forEach((line, i) => {
    const parts: string[] = [];
    const lineStartShift = shift;
    shift = 0;
    for (const run of line) {
      const target = run.shift === "sup" ? -0.4 * o.fontSize : run.shift === "sub" ? 0.25 * o.fontSize : 0;
      const a: string[] = [];
      if (target !== shift) a.push(`dy="${num(target - shift)}"`);
      shift = target;
      if (run.shift) a.push(`font-size="${num(o.fontSize * 0.7)}"`);
      if (run.bold && !o.bold) a.push(`font-weight="bold"`);
      if (run.italic) a.push(`font-style="italic"`);
      if (run.color) a.push(`fill="${escapeXml(run.color)}"`);
      const content = escapeXml(run.text);
      parts.push(a.length ? `<tspan ${a.join(" ")}>${content}</tspan>` : content);
    }
    if (lines.length === 1) {
      body.push(parts.join(""));
      return;
    }
    const lineAttrs = [`x="${num(o.x)}"`];
    if (i > 0) lineAttrs.push(`dy="${num(lh - lineStartShift)}"`);
    body.push(`<tspan ${lineAttrs.join(" ")}>${parts.join("")}</tspan>`);
  });
  return `<text ${attrs.join(" ")}>${body.join("")}</text>`;
}

/**
 * The plain text of a label written in Plotly's small markup (`<span style=…>`, `<br>`, `<b>`; XML-escaped
 * text): tags dropped, entities decoded. For hover texts, which show the label without its styling.
 */
export function plainText(markup: string): string {
  return markup
    .replace(/<br\s*\/?>/gi, " ")
    .replace(/<[^>]*>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
}
