import { InputError, assertInput } from "../core/errors";
import { Explanation } from "../shap/explanation";
import { RED_TRANSPARENT_BLUE } from "./colors";
import type { Annotation, Figure, HeatmapTrace, LayoutImage, Shape } from "./figure";
import { pArrivalLabel, pArrivalLine } from "./p-arrival";
import { nanPercentile } from "./percentile";
import { pngDataUri } from "../core/png";
import { PX_PER_INCH, assertAscending, assertLength, axis, axisRef, baseLayout, edgeRange, panelTitle, setAxis } from "./style";
import { timeFrequencyHeatmap } from "./time-frequency-heatmap";

export interface ShapImagePlotInput {
  /** The explained image, H × W × C row-major (C fastest), 8-bit values 0..255 as the Image masker saw them. */
  image: ArrayLike<number>;
  /** [H, W, C] of `image`. */
  shape: readonly [number, number, number];
  /**
   * SHAP values of this image: H × W × C × K row-major (K fastest, one row of an image Explanation), or
   * already summed over channels, H × W × K.
   */
  values: ArrayLike<number>;
  /** Names of the K explained outputs (column titles). */
  outputNames: readonly string[];
  /** Frequency of each image row in Hz, ascending (H; row 0 = 0 Hz). */
  freqsHz: ArrayLike<number>;
  /** Time of each image column in s, ascending (W). */
  timesS: ArrayLike<number>;
  title: string;
  /** Title of the image column, e.g. the true label (shap's `true_labels`); default "Input". */
  imageTitle?: string;
  /** Colour limit m (the map spans −m … m); default: 99.9th percentile of |summed values| over the K maps. */
  vmax?: number;
  /** P arrival in s; drawn on every panel. */
  pArrivalS?: number;
  /** Figure size in px; default shap's 3·(K+1) × 2.5·(N+1) inches with N = 1 row, at 100 px per inch. */
  width?: number;
  height?: number;
}

/** An image with its axes, what `plots.shapImage(expl, image)` draws under the SHAP maps (`subset.image(i)`, `spectrogramImage(trace)`). */
export interface ImageWithAxes {
  /** H × W × C row-major (C fastest), 8-bit values 0..255. */
  readonly data: ArrayLike<number>;
  readonly shape: readonly [number, number, number];
  /** Frequency of each row in Hz, ascending (row 0 = 0 Hz). */
  readonly freqsHz: ArrayLike<number>;
  /** Time of each column in s, ascending. */
  readonly timesS: ArrayLike<number>;
  readonly pArrivalS?: number;
  readonly traceName?: string;
  /** The image's true class, shown over it (shap's `true_labels`). */
  readonly labelName?: string;
}

/** What a user may change on `plots.shapImage(expl, image, options)`. */
export interface ShapImageOptions {
  /** @default "Partition SHAP of <trace> (<n> model evaluations)" */
  title?: string;
  /** @default "True: <label>" when the image knows its label, else "Input" */
  imageTitle?: string;
  /** Colour limit m (the maps span −m … m). @default the 99.9th percentile of |summed values| */
  vmax?: number;
  /** @default the image's P arrival */
  pArrivalS?: number;
  width?: number;
  height?: number;
}

/**
 * shap's `image_plot` for one spectrogram image (docs/shap-reference.md §D.2; paper Fig. 2): the image, then one
 * SHAP map per explained output, each the values summed over the channels, drawn with
 * `red_transparent_blue` between symmetric limits ±m (m the 99.9th percentile of |summed values| over the
 * row's K maps) over a greyscale version of the image (luma 0.2989 R + 0.5870 G + 0.1140 B, mean of the
 * channels when C ≠ 3, min-max stretched as matplotlib's `gray` shows it) at opacity 0.15, and one thin
 * horizontal colour bar "SHAP value" under the grid.
 *
 * Departures from shap, both for physical axes: the panels keep time (s) and frequency (Hz) axes with
 * 0 Hz at the bottom, where shap hides the axes and draws row 0 at the top; and the grey image is aligned
 * with the SHAP map, where shap stretches it half a pixel beyond the map on every side.
 *
 * Takes a one-sample image Explanation and the image with its axes, as shap's `shap.image_plot(shap_values,
 * pixel_values)`: `plots.shapImage(expl, subset.image(0))`; or the plain arrays.
 */
export function shapImage(expl: Explanation, image: ImageWithAxes, options?: ShapImageOptions): Figure;
export function shapImage(input: ShapImagePlotInput): Figure;
export function shapImage(source: Explanation | ShapImagePlotInput, image?: ImageWithAxes, options: ShapImageOptions = {}): Figure {
  const input = source instanceof Explanation ? shapImageInput(source, image, options) : source;
  const where = "plots.shapImage";
  const [h, w, c] = input.shape;
  assertInput([h, w, c].every((d) => Number.isInteger(d) && d > 0), where, `shape must hold three positive integers, got ${JSON.stringify(input.shape)}`);
  const k = input.outputNames.length;
  assertInput(k > 0, where, "outputNames is empty");
  assertLength(input.image, h * w * c, where, `image (H x W x C = ${h} x ${w} x ${c})`);
  assertLength(input.freqsHz, h, where, "freqsHz");
  assertLength(input.timesS, w, where, "timesS");
  assertAscending(input.freqsHz, where, "freqsHz");
  assertAscending(input.timesS, where, "timesS");
  for (let i = 0; i < input.image.length; i++) {
    const v = input.image[i];
    if (!(v >= 0 && v <= 255)) throw new InputError(where, `image[${i}] = ${v} is outside 0..255 (pass the 8-bit image)`);
  }
  const maps = sumChannels(input.values, h, w, c, k, where);
  let m = input.vmax;
  if (m === undefined) {
    const abs = new Float64Array(maps.length);
    for (let i = 0; i < maps.length; i++) abs[i] = Math.abs(maps[i]);
    m = nanPercentile(abs, 99.9);
    // An all-zero map would get limits 0 … 0; any positive limit draws it fully transparent.
    if (!(m > 0)) m = 1;
  }
  assertInput(m > 0 && Number.isFinite(m), where, `vmax must be positive and finite, got ${m}`);
  if (input.pArrivalS !== undefined) assertInput(Number.isFinite(input.pArrivalS), where, `pArrivalS must be finite, got ${input.pArrivalS}`);

  const nCols = k + 1;
  const width = input.width ?? 3 * nCols * PX_PER_INCH;
  const height = input.height ?? 2.5 * 2 * PX_PER_INCH;
  const layout = baseLayout(input.title, width, height, { l: 70, r: 25, t: 90, b: 125 });
  const gap = 0.1;
  const colWidth = (1 - gap * (nCols - 1)) / nCols;
  const timeRange = edgeRange(input.timesS), freqRange = edgeRange(input.freqsHz);
  const placement = { x: timeRange[0], y: freqRange[1], sizex: timeRange[1] - timeRange[0], sizey: freqRange[1] - freqRange[0] };
  const rgbUri = imageUri(input.image, h, w, c);
  const greyUri = lumaUri(input.image, h, w, c);
  const images: LayoutImage[] = [];
  const annotations: Annotation[] = [];
  const shapes: Shape[] = [];
  const data: HeatmapTrace[] = [];
  for (let col = 0; col < nCols; col++) {
    const n = col + 1;
    const x0 = col * (colWidth + gap);
    setAxis(layout, "x", n, axis("Time (s)", { domain: [x0, x0 + colWidth], anchor: axisRef("y", n), range: timeRange }));
    setAxis(layout, "y", n, axis(col === 0 ? "Frequency (Hz)" : "", { anchor: axisRef("x", n), range: freqRange }));
    const xref = axisRef("x", n), yref = axisRef("y", n);
    const frame = { xref, yref, xanchor: "left" as const, yanchor: "top" as const, sizing: "stretch" as const, ...placement };
    if (col === 0) {
      images.push({ source: rgbUri, opacity: 1, layer: "below", ...frame });
    } else {
      images.push({ source: greyUri, opacity: 0.15, layer: "below", ...frame });
      data.push(
        timeFrequencyHeatmap({
          values: mapOf(maps, h, w, k, col - 1),
          freqsHz: input.freqsHz,
          timesS: input.timesS,
          name: input.outputNames[col - 1],
          xaxis: xref,
          yaxis: yref,
          colorscale: RED_TRANSPARENT_BLUE,
          zmin: -m,
          zmax: m,
          showscale: col === 1,
          colorbar: {
          orientation: "h",
          title: { text: "SHAP value", side: "bottom" },
          x: 0.5,
          xanchor: "center",
          y: -0.24,
          yanchor: "top",
          len: 1,
            thickness: 10,
            outlinewidth: 0,
          },
          valueLabel: "SHAP ",
        }),
      );
    }
    annotations.push(panelTitle(col === 0 ? input.imageTitle ?? "Input" : input.outputNames[col - 1], xref));
    if (input.pArrivalS !== undefined) {
      shapes.push(pArrivalLine(xref, `${yref} domain`, input.pArrivalS));
      annotations.push(pArrivalLabel(xref, `${yref} domain`, input.pArrivalS));
    }
  }
  layout.images = images;
  layout.annotations = annotations;
  layout.shapes = shapes;
  return { data, layout };
}

/** Channel sums H × W × K of values given as H × W × C × K (or passed through when already H × W × K). */
function sumChannels(values: ArrayLike<number>, h: number, w: number, c: number, k: number, where: string): Float64Array {
  const summed = new Float64Array(h * w * k);
  if (values.length === h * w * c * k) {
    for (let p = 0; p < h * w; p++) {
      for (let ch = 0; ch < c; ch++) for (let o = 0; o < k; o++) summed[p * k + o] += values[(p * c + ch) * k + o];
    }
  } else if (values.length === h * w * k) {
    for (let i = 0; i < summed.length; i++) summed[i] = values[i];
  } else {
    throw new InputError(where, `values has ${values.length} entries, expected H x W x C x K = ${h * w * c * k} or H x W x K = ${h * w * k}`);
  }
  return summed;
}

function mapOf(maps: Float64Array, h: number, w: number, k: number, o: number): Float64Array {
  const out = new Float64Array(h * w);
  for (let p = 0; p < h * w; p++) out[p] = maps[p * k + o];
  return out;
}

/** The image as a PNG with the last row (highest frequency) on top, so that 0 Hz sits at the bottom. */
function imageUri(image: ArrayLike<number>, h: number, w: number, c: number): string {
  if (c !== 3) return lumaUri(image, h, w, c, false);
  const pixels = new Uint8Array(h * w * 3);
  for (let r = 0; r < h; r++) {
    for (let i = 0; i < w * 3; i++) pixels[(h - 1 - r) * w * 3 + i] = Math.floor(image[r * w * 3 + i]);
  }
  return pngDataUri({ width: w, height: h, colorType: "rgb", pixels });
}

/** Greyscale version (luma for RGB, channel mean otherwise), optionally min-max stretched, flipped like `imageUri`. */
function lumaUri(image: ArrayLike<number>, h: number, w: number, c: number, stretch = true): string {
  const grey = new Float64Array(h * w);
  for (let p = 0; p < h * w; p++) {
    if (c === 3) grey[p] = 0.2989 * image[3 * p] + 0.587 * image[3 * p + 1] + 0.114 * image[3 * p + 2];
    else {
      let s = 0;
      for (let ch = 0; ch < c; ch++) s += image[p * c + ch];
      grey[p] = s / c;
    }
  }
  let lo = 0, hi = 255;
  if (stretch) {
    lo = Infinity;
    hi = -Infinity;
    for (const v of grey) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  const pixels = new Uint8Array(h * w);
  for (let r = 0; r < h; r++) {
    for (let col = 0; col < w; col++) {
      const v = grey[r * w + col];
      // matplotlib maps a flat image to the bottom of the colormap (black).
      pixels[(h - 1 - r) * w + col] = hi > lo ? Math.round((255 * (v - lo)) / (hi - lo)) : 0;
    }
  }
  return pngDataUri({ width: w, height: h, colorType: "grey", pixels });
}

/** The plain-array input of a one-sample image explanation and its image. */
function shapImageInput(expl: Explanation, image: ImageWithAxes | undefined, options: ShapImageOptions): ShapImagePlotInput {
  const where = "plots.shapImage";
  if (!image) throw new InputError(where, "pass the explained image with its axes: plots.shapImage(expl, subset.image(i))");
  if (expl.nSamples !== 1) throw new InputError(where, `draws one explained image, but the explanation holds ${expl.nSamples}: pass expl.row(i)`);
  if (expl.featureShape.join("x") !== image.shape.join("x")) {
    throw new InputError(where, `the explanation's feature shape ${JSON.stringify(expl.featureShape)} is not the image's shape ${JSON.stringify(image.shape)}`);
  }
  const outputNames = expl.outputNames ? [...expl.outputNames[0]] : Array.from(expl.outputIndices, (j) => `output ${j}`);
  const evals = expl.evalCounts ? ` (${expl.evalCounts[0]} model evaluations)` : "";
  return {
    image: image.data,
    shape: image.shape,
    values: expl.values,
    outputNames,
    freqsHz: image.freqsHz,
    timesS: image.timesS,
    title: options.title ?? `Partition SHAP of ${image.traceName ?? "the image"}${evals}`,
    imageTitle: options.imageTitle ?? (image.labelName ? `True: ${image.labelName}` : undefined),
    vmax: options.vmax,
    pArrivalS: options.pArrivalS ?? image.pArrivalS,
    width: options.width,
    height: options.height,
  };
}
