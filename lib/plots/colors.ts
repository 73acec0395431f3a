import { InputError } from "../core/errors";
import type { Colorscale } from "./figure";

/**
 * shap's colours (docs/shap-reference.md §D.1, from `shap/plots/colors/_colors.py`) and the colour scales our
 * plots use, as Plotly colour scales, with the parsing and interpolation the static renderer needs.
 * Plotly interpolates colour scales linearly in RGB and alpha; `colorscaleAt` does the same, so `toSvg`
 * paints what plotly.js paints.
 */

/** shap's positive colour (`red_rgb`): SHAP values that push the output up. */
export const SHAP_RED = "#ff0051";
/** shap's negative colour (`blue_rgb`). */
export const SHAP_BLUE = "#008bfb";
/** Light red / light blue (error bars). */
export const SHAP_LIGHT_RED = "#ff7fa7";
export const SHAP_LIGHT_BLUE = "#7fc4fc";
/** Beeswarm points whose feature value is NaN (or categorical). */
export const NAN_GREY = "#777777";
/** Beeswarm zero line. */
export const ZERO_LINE_GREY = "#999999";
/** Dotted row lines of the beeswarm and bar plots. */
export const ROW_LINE_GREY = "#cccccc";
/** Dashed guides of the waterfall plot. */
export const GUIDE_GREY = "#bbbbbb";
/** Muted tick text (the feature-value part of waterfall labels). */
export const MUTED_TEXT = "#999999";
/** Axis lines, ticks and text. */
export const AXIS_COLOR = "#333333";

/**
 * `red_blue`, shap's feature-value colormap (low = blue, high = red), as the 21-stop table of §D.1 at
 * positions 0, 0.05, …, 1 (shap builds it in LCh space; the table reproduces it to within rounding).
 */
export const RED_BLUE_STOPS: readonly string[] = [
  "#008bfb", "#0084f9", "#007df5", "#0075f0", "#236cea", "#4b63e3", "#625adb", "#754fd1", "#8443c6", "#9134b9",
  "#9c23ad", "#ab16a7", "#bb00a0", "#c90097", "#d5008f", "#e00085", "#e9007c", "#f20071", "#f90067", "#fe005c",
  "#ff0051",
];

/** `red_blue` as a Plotly colour scale. */
export const RED_BLUE: Colorscale = RED_BLUE_STOPS.map((c, i): [number, string] => [i / 20, c]);

/**
 * `red_transparent_blue`, shap's SHAP-map colormap (§D.1): opaque blue rgb(30,136,229) fading to
 * transparent at the middle, then transparent to opaque red rgb(255,13,87). Zero is fully transparent so
 * the image underneath shows through.
 */
export const RED_TRANSPARENT_BLUE: Colorscale = [
  [0, "rgba(30,136,229,1)"],
  [0.4975, "rgba(30,136,229,0)"],
  [0.5025, "rgba(255,13,87,0)"],
  [1, "rgba(255,13,87,1)"],
];

/** matplotlib's `viridis` sampled every 16/255 (the table Plotly ships as "Viridis"), for spectrograms. */
export const VIRIDIS: Colorscale = [
  [0, "#440154"], [0.06274509803921569, "#48186a"], [0.12549019607843137, "#472d7b"],
  [0.18823529411764706, "#424086"], [0.25098039215686274, "#3b528b"], [0.3137254901960784, "#33638d"],
  [0.3764705882352941, "#2c728e"], [0.4392156862745098, "#26828e"], [0.5019607843137255, "#21918c"],
  [0.5647058823529412, "#1fa088"], [0.6274509803921569, "#28ae80"], [0.6901960784313725, "#3fbc73"],
  [0.7529411764705882, "#5ec962"], [0.8156862745098039, "#84d44b"], [0.8784313725490196, "#addc30"],
  [0.9411764705882353, "#d8e219"], [1, "#fde725"],
];

/** ColorBrewer's sequential "Blues" (matplotlib's `Blues`), for confusion matrices. */
export const BLUES: Colorscale = [
  [0, "#f7fbff"], [0.125, "#deebf7"], [0.25, "#c6dbef"], [0.375, "#9ecae1"], [0.5, "#6baed6"],
  [0.625, "#4292c6"], [0.75, "#2171b5"], [0.875, "#08519c"], [1, "#08306b"],
];

/** An sRGB colour with 0..255 channels and alpha in [0, 1]. */
export interface Rgba {
  r: number;
  g: number;
  b: number;
  a: number;
}

const NAMED: Record<string, Rgba> = {
  white: { r: 255, g: 255, b: 255, a: 1 },
  black: { r: 0, g: 0, b: 0, a: 1 },
  transparent: { r: 0, g: 0, b: 0, a: 0 },
};

/** Parses "#rgb", "#rrggbb", "rgb(r,g,b)", "rgba(r,g,b,a)" or white/black/transparent. */
export function parseColor(color: string): Rgba {
  const s = color.trim().toLowerCase();
  if (NAMED[s]) return { ...NAMED[s] };
  let m = /^#([0-9a-f]{3})$/.exec(s);
  if (m) {
    const h = m[1];
    return { r: parseInt(h[0] + h[0], 16), g: parseInt(h[1] + h[1], 16), b: parseInt(h[2] + h[2], 16), a: 1 };
  }
  m = /^#([0-9a-f]{6})$/.exec(s);
  if (m) {
    const v = parseInt(m[1], 16);
    return { r: (v >> 16) & 255, g: (v >> 8) & 255, b: v & 255, a: 1 };
  }
  m = /^rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*(?:,\s*([\d.]+)\s*)?\)$/.exec(s);
  if (m) {
    const a = m[4] === undefined ? 1 : Number(m[4]);
    return { r: Number(m[1]), g: Number(m[2]), b: Number(m[3]), a };
  }
  throw new InputError("parseColor", `unsupported colour "${color}" (use #rrggbb, rgb() or rgba())`);
}

/** "#rrggbb" of an opaque colour; the alpha is ignored. */
export function toHex(c: Rgba): string {
  const h = (v: number): string => Math.max(0, Math.min(255, Math.round(v))).toString(16).padStart(2, "0");
  return `#${h(c.r)}${h(c.g)}${h(c.b)}`;
}

/**
 * The colour of `colorscale` at position t in [0, 1] (clipped), interpolated linearly in RGB and alpha
 * between the two neighbouring stops, as Plotly does. Channels are left unrounded.
 */
export function colorscaleAt(colorscale: Colorscale, t: number): Rgba {
  if (colorscale.length === 0) throw new InputError("colorscaleAt", "empty colour scale");
  const x = Number.isNaN(t) ? 0 : Math.max(0, Math.min(1, t));
  let i = 0;
  while (i < colorscale.length - 1 && colorscale[i + 1][0] < x) i++;
  const [p0, c0] = colorscale[i];
  if (i === colorscale.length - 1 || x <= p0) return parseColor(c0);
  const [p1, c1] = colorscale[i + 1];
  const a = parseColor(c0), b = parseColor(c1);
  const f = p1 > p0 ? (x - p0) / (p1 - p0) : 1;
  return { r: a.r + (b.r - a.r) * f, g: a.g + (b.g - a.g) * f, b: a.b + (b.b - a.b) * f, a: a.a + (b.a - a.a) * f };
}

/** The same colour with alpha `alpha` as "rgba(r,g,b,a)", for translucent fills. */
export function withAlpha(color: string, alpha: number): string {
  const c = parseColor(color);
  return `rgba(${Math.round(c.r)},${Math.round(c.g)},${Math.round(c.b)},${alpha})`;
}
