import { InputError } from "../core/errors";

/**
 * Rasterises an SVG (from `toSvg`) to PNG bytes with resvg (a Rust SVG renderer shipped as a prebuilt
 * npm package, so no browser is needed), at `scale` times the SVG's pixel size, with the system's fonts
 * (the SVGs ask for DejaVu Sans first). Used for the static `figures/*.png` of the README and reviewers.
 */
export function svgToPng(svg: string, options: { scale?: number; background?: string } = {}): Uint8Array {
  const scale = options.scale ?? 2;
  if (!(scale > 0 && scale <= 8)) throw new InputError("svgToPng", `scale must be in (0, 8], got ${scale}`);
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { Resvg } = require("@resvg/resvg-js") as typeof import("@resvg/resvg-js");
  const resvg = new Resvg(svg, {
    fitTo: { mode: "zoom", value: scale },
    background: options.background ?? "white",
    font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" },
  });
  return resvg.render().asPng();
}
