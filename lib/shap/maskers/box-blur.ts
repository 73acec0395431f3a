import { InputError } from "../../core/errors";

/**
 * OpenCV's `cv2.blur(src, (kernelWidth, kernelHeight))` for a floating-point image: the normalised box filter
 * with the anchor at the kernel centre (`size / 2`, rounded down, for even sizes) and OpenCV's default border,
 * BORDER_REFLECT_101 (`gfedcb|abcdefgh|gfedcba`). It is the background of shap's Image masker with
 * `mask_value="blur(kx,ky)"`, which blurs the float image itself (no uint8 conversion).
 *
 * The sums follow OpenCV's float path (RowSum and ColumnSum of modules/imgproc/src/box_filter.simd.hpp, in
 * double): along each border-extended row a direct left-to-right sum for kernels 3 and 5 wide, otherwise a
 * running sum updated as `s += (new − old)`; then a running sum down the columns over the border-extended rows, `s = sum + new; out = s · (1/(kx·ky));
 * sum = s − old`. Rounding therefore happens where OpenCV's does.
 *
 * Layout: `image` and the result are H×W×C, row-major with the channel fastest; channels are blurred
 * independently.
 * @param image H×W×C values (finite)
 * @param height H, rows
 * @param width W, columns
 * @param channels C
 * @param kernelWidth kx, columns averaged (OpenCV's ksize.width), ≥ 1
 * @param kernelHeight ky, rows averaged (ksize.height), ≥ 1
 * @returns the blurred H×W×C image, float64
 */
export function boxBlur(
  image: ArrayLike<number>,
  height: number,
  width: number,
  channels: number,
  kernelWidth: number,
  kernelHeight: number,
): Float64Array {
  const where = "boxBlur";
  for (const [name, v] of [["height", height], ["width", width], ["channels", channels], ["kernelWidth", kernelWidth], ["kernelHeight", kernelHeight]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new InputError(where, `${name} must be a positive integer, got ${v}`);
  }
  const rowLength = width * channels;
  if (image.length !== height * rowLength) {
    throw new InputError(where, `image has ${image.length} values, expected H·W·C = ${height}·${width}·${channels} = ${height * rowLength}`);
  }
  const anchorX = kernelWidth >> 1;
  const anchorY = kernelHeight >> 1;

  // Row sums of every border-extended row, for the image rows; the vertical border reuses them.
  const rowSums = new Float64Array(height * rowLength);
  const padded = new Float64Array((width + kernelWidth - 1) * channels);
  const columnOf = new Int32Array(width + kernelWidth - 1);
  for (let x = 0; x < columnOf.length; x++) columnOf[x] = reflect101(x - anchorX, width);
  for (let y = 0; y < height; y++) {
    const row = y * rowLength;
    for (let x = 0; x < columnOf.length; x++) {
      const from = row + columnOf[x] * channels;
      for (let c = 0; c < channels; c++) padded[x * channels + c] = image[from + c];
    }
    if (kernelWidth === 3 || kernelWidth === 5) {
      // OpenCV sums 3- and 5-wide windows directly, left to right, instead of sliding.
      for (let i = 0; i < rowLength; i++) {
        let s = padded[i];
        for (let k = 1; k < kernelWidth; k++) s += padded[i + k * channels];
        rowSums[row + i] = s;
      }
      continue;
    }
    for (let c = 0; c < channels; c++) {
      let s = 0;
      for (let k = 0; k < kernelWidth; k++) s += padded[k * channels + c];
      rowSums[row + c] = s;
      for (let x = 1; x < width; x++) {
        s += padded[(x - 1 + kernelWidth) * channels + c] - padded[(x - 1) * channels + c];
        rowSums[row + x * channels + c] = s;
      }
    }
  }

  // Column running sums over the border-extended sequence of rows.
  const scale = 1 / (kernelWidth * kernelHeight);
  const out = new Float64Array(height * rowLength);
  const sum = new Float64Array(rowLength);
  const rowAt = (t: number): number => reflect101(t - anchorY, height) * rowLength;
  for (let t = 0; t < kernelHeight - 1; t++) {
    const r = rowAt(t);
    for (let i = 0; i < rowLength; i++) sum[i] += rowSums[r + i];
  }
  for (let y = 0; y < height; y++) {
    const incoming = rowAt(y + kernelHeight - 1);
    const outgoing = rowAt(y);
    const dst = y * rowLength;
    for (let i = 0; i < rowLength; i++) {
      const s = sum[i] + rowSums[incoming + i];
      out[dst + i] = s * scale;
      sum[i] = s - rowSums[outgoing + i];
    }
  }
  return out;
}

/** OpenCV's borderInterpolate for BORDER_REFLECT_101, repeated for borders wider than the image. */
function reflect101(p: number, length: number): number {
  if (length === 1) return 0;
  while (p < 0 || p >= length) p = p < 0 ? -p : 2 * length - 2 - p;
  return p;
}
