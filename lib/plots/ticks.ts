/**
 * Tick values and labels for the static renderer, chosen the way Plotly chooses them so that `toSvg` and
 * plotly.js show similar axes: about one tick per 80 px on x axes and per 40 px on y axes (4 to 9
 * intervals), a step of 1, 2 or 5 × 10^k, ticks at multiples of the step. Labels use a fixed number of
 * decimals (the step's), the Unicode minus, and k/M/G suffixes for steps of a thousand and above, as
 * Plotly's default "B" exponent format does.
 */
export interface Ticks {
  /** Tick positions in data units. */
  values: number[];
  /** Labels (may hold Plotly rich text such as "10<sup>3</sup>"). */
  labels: string[];
}

/** Target number of intervals for an axis `lengthPx` long: Plotly's `constrain(length / minPx, 4, 9) + 1`. */
export function targetTickCount(lengthPx: number, letter: "x" | "y"): number {
  const minPx = letter === "y" ? 40 : 80;
  return Math.max(4, Math.min(9, lengthPx / minPx)) + 1;
}

/** The nice step (1, 2 or 5 × 10^k) at or above `roughStep`. */
export function niceStep(roughStep: number): number {
  if (!(roughStep > 0) || !Number.isFinite(roughStep)) return 1;
  const exp = Math.floor(Math.log10(roughStep));
  // m / 10^k rather than m · 10^−k: the quotient is correctly rounded (5 · 1e-5 is not 0.00005).
  const scaled = (m: number): number => (exp >= 0 ? m * 10 ** exp : m / 10 ** -exp);
  for (const m of [1, 2, 5]) {
    if (scaled(m) >= roughStep * (1 - 1e-9)) return scaled(m);
  }
  return scaled(10);
}

/** Ticks at multiples of a nice step covering [min(lo, hi), max(lo, hi)] for a linear axis. */
export function linearTicks(lo: number, hi: number, lengthPx: number, letter: "x" | "y", dtick?: number, exponentFormat: "none" | "power" | "e" | "B" = "B"): Ticks {
  const a = Math.min(lo, hi), b = Math.max(lo, hi);
  const step = dtick && dtick > 0 ? dtick : niceStep((b - a) / targetTickCount(lengthPx, letter));
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const values: number[] = [];
  const first = Math.ceil(a / step - 1e-9), last = Math.floor(b / step + 1e-9);
  for (let i = first; i <= last && values.length < 1000; i++) values.push(Number((i * step).toFixed(Math.min(20, decimals))));
  // One suffix for the whole axis, chosen by its largest tick.
  const maxAbs = Math.max(0, ...values.map(Math.abs));
  const div = exponentFormat === "B" && step >= 1000 ? (maxAbs >= 1e9 && step >= 1e6 ? 1e9 : maxAbs >= 1e6 && step >= 1e4 ? 1e6 : 1e3) : 1;
  return { values, labels: values.map((v) => formatTick(v, step, decimals, div)) };
}

function formatTick(v: number, step: number, decimals: number, div: number): string {
  if (v === 0) return "0";
  const suffix = div === 1e9 ? "G" : div === 1e6 ? "M" : div === 1e3 ? "k" : "";
  const d = div === 1 ? decimals : Math.max(0, -Math.floor(Math.log10(step / div) + 1e-9));
  const text = (Math.abs(v) / div).toFixed(d) + suffix;
  return v < 0 ? "\u2212" + text : text;
}

/**
 * Ticks for a log axis whose range is [lo10, hi10] in log10 units (Plotly's convention): powers of ten
 * when the range is wide, every 1, 2, 5 × 10^k when it spans few decades. Powers of ten outside
 * 10^-3 … 10^4 are written 10<sup>k</sup>.
 */
export function logTicks(lo10: number, hi10: number, lengthPx: number, letter: "x" | "y"): Ticks {
  const a = Math.min(lo10, hi10), b = Math.max(lo10, hi10);
  const nTarget = targetTickCount(lengthPx, letter);
  const values: number[] = [];
  const labels: string[] = [];
  const decades = b - a;
  if (decades / nTarget >= 0.6) {
    const stepDecades = Math.max(1, Math.ceil(decades / nTarget - 1e-9));
    for (let k = Math.ceil(a / stepDecades - 1e-9) * stepDecades; k <= b + 1e-9; k += stepDecades) {
      values.push(pow10(k));
      labels.push(powerLabel(k, 1));
    }
  } else {
    for (let k = Math.floor(a) - 1; k <= Math.ceil(b); k++) {
      for (const m of [1, 2, 5]) {
        const u = k + Math.log10(m);
        if (u >= a - 1e-9 && u <= b + 1e-9) {
          values.push(m * pow10(k));
          labels.push(powerLabel(k, m));
        }
      }
    }
  }
  return { values, labels };
}

/** 10^k, exact to the last bit for negative k too (10 ** -4 is 0.00009999999999999999 in JavaScript). */
function pow10(k: number): number {
  return k >= 0 ? 10 ** k : 1 / 10 ** -k;
}

function powerLabel(k: number, m: number): string {
  if (k >= -3 && k <= 4) return (m * pow10(k)).toFixed(Math.max(0, -k));
  const exp = k < 0 ? "\u2212" + String(-k) : String(k);
  return m === 1 ? `10<sup>${exp}</sup>` : `${m}×10<sup>${exp}</sup>`;
}
