/**
 * Discrete Fourier transform of a real signal, one-sided (bins 0 .. floor(n/2)), as numpy/scipy's
 * `rfft`. Powers of two go through fft.js's real-input radix-4 FFT; other lengths through a tabulated
 * direct DFT, exact to rounding but O(n^2) (fine for the segment lengths of spectral estimates, a few
 * thousand samples at most).
 */
// fft.js is CommonJS (`export =`): a default import under esModuleInterop, which both our tsconfig and
// tslab's compiler settings enable (tslab targets ES modules, where `import = require` is not allowed).
import FFT from "fft.js";
import { InputError } from "../core/errors";

/**
 * A transform plan for one length `n`. Not reentrant: `transform` writes into the plan's own
 * `spectrum` buffer, which the caller reads before the next call.
 */
export class RealDft {
  /** Transform length (samples). */
  readonly n: number;
  /** Number of one-sided bins, floor(n / 2) + 1. */
  readonly nFreq: number;
  /**
   * Result of the last `transform`: interleaved (re, im) of bins 0 .. nFreq - 1, i.e. 2 * nFreq
   * meaningful values (the buffer may be longer). Sign convention exp(-2 pi i k t / n), as numpy.
   */
  readonly spectrum: Float64Array;
  /** A scratch input buffer of n samples that callers may fill and pass to `transform`. */
  readonly scratch: Float64Array;
  private readonly fft: FFT | null;
  private readonly cosTable: Float64Array | null;
  private readonly sinTable: Float64Array | null;

  constructor(n: number) {
    if (!Number.isInteger(n) || n < 1) throw new InputError("RealDft", `length must be a positive integer, got ${n}`);
    this.n = n;
    this.nFreq = Math.floor(n / 2) + 1;
    this.scratch = new Float64Array(n);
    const powerOfTwo = n >= 2 && (n & (n - 1)) === 0;
    if (powerOfTwo) {
      this.fft = new FFT(n);
      // fft.js fills the left half of a full complex array of 2n values.
      this.spectrum = new Float64Array(2 * n);
      this.cosTable = null;
      this.sinTable = null;
    } else {
      this.fft = null;
      this.spectrum = new Float64Array(2 * this.nFreq);
      this.cosTable = new Float64Array(n);
      this.sinTable = new Float64Array(n);
      for (let m = 0; m < n; m++) {
        const phase = (2 * Math.PI * m) / n;
        this.cosTable[m] = Math.cos(phase);
        this.sinTable[m] = Math.sin(phase);
      }
    }
  }

  /** Transforms `input` (n real samples) into `this.spectrum` and returns it. */
  transform(input: Float64Array): Float64Array {
    if (input.length !== this.n) throw new InputError("RealDft.transform", `input has length ${input.length}, expected ${this.n}`);
    const out = this.spectrum;
    if (this.fft) {
      this.fft.realTransform(out, input);
      return out;
    }
    const n = this.n;
    const cos = this.cosTable as Float64Array;
    const sin = this.sinTable as Float64Array;
    for (let k = 0; k < this.nFreq; k++) {
      let re = 0;
      let im = 0;
      // (k * t) mod n walks the table without forming large phases, which keeps full precision.
      let m = 0;
      for (let t = 0; t < n; t++) {
        re += input[t] * cos[m];
        im -= input[t] * sin[m];
        m += k;
        if (m >= n) m -= n;
      }
      out[2 * k] = re;
      out[2 * k + 1] = im;
    }
    return out;
  }
}

const plans = new Map<number, RealDft>();

/** The shared {@link RealDft} plan for length `n`, built once and cached. */
export function realDft(n: number): RealDft {
  let plan = plans.get(n);
  if (!plan) {
    plan = new RealDft(n);
    plans.set(n, plan);
  }
  return plan;
}
