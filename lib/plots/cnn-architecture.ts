import { assertInput } from "../core/errors";
import { AXIS_COLOR, MUTED_TEXT } from "./colors";
import type { Annotation, Figure, Shape } from "./figure";
import { baseLayout } from "./style";
import { escapeXml, textWidthPx } from "./svg-text";

/** One layer as a model summary lists it (tfjs `layer.name`, `getClassName()`, `outputShape`, `countParams()`). */
export interface CnnLayerInfo {
  name: string;
  className: string;
  /** Output shape including the batch dimension as null, e.g. [null, 33, 153, 32]. */
  outputShape: ReadonlyArray<number | null>;
  params: number;
}

export interface CnnArchitecturePlotInput {
  layers: readonly CnnLayerInfo[];
  /** Shape of one input, e.g. [33, 153, 3]; drawn as the first block when given. */
  inputShape?: ReadonlyArray<number | null>;
  /** @default "CNN architecture" */
  title?: string;
}

const KIND_COLOURS: Array<[RegExp, string, string]> = [
  [/conv/i, "#d6ebfe", "#008bfb"],
  [/pool/i, "#ffe0ea", "#ff0051"],
  [/norm/i, "#eeeeee", "#777777"],
  [/relu|activation|softmax/i, "#fff3cc", "#c99700"],
  [/flatten|reshape/i, "#e3f4e8", "#2ca02c"],
  [/dense/i, "#ece3f7", "#9467bd"],
  [/input/i, "#f7f7f7", AXIS_COLOR],
];

/** Integer with thin-space thousands separators, independent of the locale. */
function groupThousands(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, "\u2009");
}

/** "33 × 153 × 32": the shape without its batch dimension. */
function shapeText(shape: ReadonlyArray<number | null>): string {
  const dims = shape.filter((d): d is number => d !== null);
  return dims.length ? dims.join(" × ") : "scalar";
}

/**
 * The CNN drawn from its layers (paper Fig. 1; docs/paper-pipeline.md §3: conv–BN–pool–ReLU blocks, 33 × 153 →
 * 16 × 76 → 8 × 38 → 4 × 19, flatten 9728, dense 128, dense 2): one block per layer from input (top) to
 * logits (bottom), coloured by layer kind, with its output shape and parameter count beside it and the
 * total below. A diagram, so it has no axes. Takes a model's description (`plots.cnnArchitecture(describeCnn2d())`).
 */
export function cnnArchitecture(architecture: CnnArchitecturePlotInput, options: { title?: string } = {}): Figure {
  const input = { ...architecture, title: options.title ?? architecture.title ?? "CNN architecture" };
  const where = "plots.cnnArchitecture";
  assertInput(input.layers.length > 0, where, "layers is empty");
  input.layers.forEach((l, i) => assertInput(Number.isFinite(l.params) && l.params >= 0, where, `layers[${i}] (${l.name}) has params ${l.params}`));
  const rows: Array<{ label: string; shape: string; params: string; kind: string }> = [];
  if (input.inputShape) rows.push({ label: "Input", shape: shapeText(input.inputShape), params: "", kind: "input" });
  for (const l of input.layers) rows.push({ label: `<b>${escapeXml(l.className)}</b> ${escapeXml(l.name)}`, shape: shapeText(l.outputShape), params: groupThousands(l.params), kind: l.className });
  const total = input.layers.reduce((s, l) => s + l.params, 0);
  const n = rows.length;
  const rowPx = 40;
  const labelWidth = Math.max(...rows.map((r) => textWidthPx(r.label, 12))) + 30;
  const shapeWidth = Math.max(textWidthPx("Output shape", 12), ...rows.map((r) => textWidthPx(r.shape, 12))) + 30;
  const paramsWidth = Math.max(textWidthPx("Parameters", 12), ...rows.map((r) => textWidthPx(r.params, 12))) + 10;
  const innerWidth = labelWidth + shapeWidth + paramsWidth;
  const layout = baseLayout(input.title, innerWidth + 60, n * rowPx + 150, { l: 30, r: 30, t: 80, b: 70 });
  // Axis units: x in px across the diagram, y in rows (row i centred at −i).
  layout.xaxis = { visible: false, range: [0, innerWidth], fixedrange: true };
  layout.yaxis = { visible: false, range: [-n + 0.5, 0.5], fixedrange: true };
  const shapes: Shape[] = [];
  const annotations: Annotation[] = [];
  const boxW = labelWidth - 20;
  const header = (text: string, x: number, anchor: "left" | "right" | "center"): Annotation => ({
    text: `<b>${text}</b>`,
    x,
    y: 1,
    xref: "x",
    yref: "paper",
    yshift: 6,
    showarrow: false,
    xanchor: anchor,
    yanchor: "bottom",
    font: { size: 12, color: MUTED_TEXT },
  });
  annotations.push(header("Layer", boxW / 2, "center"), header("Output shape", labelWidth, "left"), header("Parameters", innerWidth, "right"));
  rows.forEach((r, i) => {
    const y = 0 - i; // not -i: -0 would not survive JSON
    const [, fill, stroke] = KIND_COLOURS.find(([re]) => re.test(r.kind)) ?? [/./, "#ffffff", AXIS_COLOR];
    shapes.push({ type: "rect", xref: "x", yref: "y", x0: 0, x1: boxW, y0: y - 0.35, y1: y + 0.35, fillcolor: fill, line: { color: stroke, width: 1 } });
    if (i + 1 < n) {
      // Arrow to the next block: a short stem and a head in the gap between rows.
      shapes.push({ type: "line", xref: "x", yref: "y", x0: boxW / 2, x1: boxW / 2, y0: y - 0.35, y1: y - 0.58, line: { color: AXIS_COLOR, width: 1 } });
      shapes.push({
        type: "path",
        xref: "x",
        yref: "y",
        path: `M ${boxW / 2 - 4},${y - 0.56} L ${boxW / 2 + 4},${y - 0.56} L ${boxW / 2},${y - 0.65} Z`,
        fillcolor: AXIS_COLOR,
        line: { width: 0 },
      });
    }
    annotations.push({ text: r.label, x: boxW / 2, y, xref: "x", yref: "y", showarrow: false, xanchor: "center", yanchor: "middle", font: { size: 12, color: AXIS_COLOR } });
    annotations.push({ text: r.shape, x: labelWidth, y, xref: "x", yref: "y", showarrow: false, xanchor: "left", yanchor: "middle", font: { size: 12, color: AXIS_COLOR } });
    if (r.params) annotations.push({ text: r.params, x: innerWidth, y, xref: "x", yref: "y", showarrow: false, xanchor: "right", yanchor: "middle", font: { size: 12, color: AXIS_COLOR } });
  });
  annotations.push({
    text: `Total parameters: ${groupThousands(total)}`,
    x: innerWidth,
    y: 0,
    xref: "x",
    yref: "paper",
    yshift: -14,
    showarrow: false,
    xanchor: "right",
    yanchor: "top",
    font: { size: 12, color: AXIS_COLOR },
  });
  layout.shapes = shapes;
  layout.annotations = annotations;
  return { data: [], layout };
}
