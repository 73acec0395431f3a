import { InputError } from "../core/errors";

/**
 * shap's `format_value` (docs/shap-reference.md §D.1, `shap/utils/_general.py`): formats `value` with a printf
 * format such as "%+0.02f" (SHAP values) or "%0.03f" (feature values), strips trailing zeros and a
 * trailing dot ("+0.10" → "+0.1", "+1.00" → "+1"), and writes a leading minus as the Unicode minus "−".
 *
 * Stripping applies to the fractional part only: shap's regular expression also eats the zeros of an
 * integer ("%d" of 100 gives "1"), a quirk we do not copy; every "%…f" format with digits gives shap's
 * text exactly. Strings are passed through the same cleaning, as in shap.
 */
export function formatValue(value: number | string, format: string): string {
  let s = typeof value === "string" ? value : sprintfNumber(format, value);
  if (s.includes(".")) s = s.replace(/\.?0+$/, "");
  if (s.startsWith("-")) s = "\u2212" + s.slice(1);
  return s;
}

/**
 * One printf conversion `%[flags][width][.precision](f|d)` applied to a number, with Python's (C's)
 * rounding: the exact binary value is rounded half to even, so 0.125 with "%.2f" gives "0.12" where
 * JavaScript's `toFixed` gives "0.13". Flags: "+", " ", "-", "0". Text around the conversion is kept.
 */
export function sprintfNumber(format: string, value: number): string {
  const m = /^([^%]*)%([-+ 0#]*)(\d*)(?:\.(\d*))?([fd])([^%]*)$/.exec(format);
  if (!m) throw new InputError("sprintfNumber", `unsupported format "${format}" (expected one %f or %d conversion)`);
  const [, before, flags, widthText, precisionText, conversion, after] = m;
  const width = widthText === "" ? 0 : Number(widthText);
  let body: string;
  let negative: boolean;
  if (Number.isNaN(value)) {
    body = "nan";
    negative = false;
  } else if (!Number.isFinite(value)) {
    body = "inf";
    negative = value < 0;
  } else if (conversion === "d") {
    const t = Math.trunc(value);
    negative = t < 0;
    body = Math.abs(t) < 1e21 ? Math.abs(t).toFixed(0) : String(Math.abs(t));
  } else {
    const precision = precisionText === undefined ? 6 : precisionText === "" ? 0 : Number(precisionText);
    if (precision > 99) throw new InputError("sprintfNumber", `precision ${precision} is above 99`);
    negative = value < 0 || Object.is(value, -0);
    body = fixedHalfEven(Math.abs(value), precision);
  }
  const sign = negative ? "-" : flags.includes("+") ? "+" : flags.includes(" ") ? " " : "";
  let text = sign + body;
  if (text.length < width) {
    const pad = width - text.length;
    if (flags.includes("-")) text = text + " ".repeat(pad);
    else if (flags.includes("0") && Number.isFinite(value)) text = sign + "0".repeat(pad) + body;
    else text = " ".repeat(pad) + text;
  }
  return before + text + after;
}

/**
 * x ≥ 0 with `precision` decimals, ties to even. `toFixed` rounds the exact value correctly except at exact
 * ties, which it breaks upwards. A tie needs x · 10^p = n + 1/2 exactly, which for a double means x has at
 * most p + 1 fractional bits (x · 2^(p+1) an integer, x · 2^p not); its decimal expansion then ends at digit
 * p + 1, so `toFixed(p + 1)` is exact and dropping its final "5" gives the rounded-down candidate.
 */
function fixedHalfEven(x: number, precision: number): string {
  if (x >= 1e21) return String(x);
  const up = x.toFixed(precision);
  const isTie = Number.isInteger(x * 2 ** (precision + 1)) && !Number.isInteger(x * 2 ** precision);
  if (!isTie) return up;
  let down = x.toFixed(precision + 1).slice(0, -1);
  if (down.endsWith(".")) down = down.slice(0, -1);
  const lastDigit = Number(down[down.length - 1]);
  return lastDigit % 2 === 0 ? down : up;
}
