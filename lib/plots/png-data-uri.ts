import { encodePng, type PngRaster } from "../core/png";

/**
 * A raster for `encodePng`: row-major pixels, top row first (PNG order), `width × height × bytesPerPixel`
 * bytes, with 1 byte per pixel for "grey" and "indexed", 2 for "grey-alpha", 3 for "rgb", 4 for "rgba";
 * "indexed" carries its palette as RGBA bytes. The library's PNG codec (lib/core/png) encodes it with
 * zlib's run-length strategy, so the same pixels give the same bytes everywhere (SVG snapshots embed them).
 */
export type PngImage = PngRaster;

export { encodePng };

/** `encodePng(image)` as a "data:image/png;base64,…" URI, for SVG `<image>` elements and Plotly layout images. */
export function pngDataUri(image: PngImage): string {
  return `data:image/png;base64,${encodePng(image).toString("base64")}`;
}
