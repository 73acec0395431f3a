/**
 * Adam (Kingma & Ba 2015) as PyTorch's torch.optim.Adam computes it (the optimiser of the paper's training):
 *   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;
 *   p -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 * with the bias corrections in float64 (tf.train.adam keeps b^t as a float32 product) and PyTorch's
 * eps = 1e-8. Its whole state (step count, m, v) can be read and restored exactly, which makes resumed
 * training identical to uninterrupted training.
 *
 * On the cpu and wasm backends the update is one kernel per variable (on wasm in WebAssembly,
 * assembly/adam-kernel.ts) performing the float32 operations of the tf.js ops below in their order: the same
 * bytes in one pass instead of a dozen.
 */
import * as tf from "@tensorflow/tfjs";
import { adamKernelFor } from "./backend-memory-kernels";
import { registerTypedKernel, TYPED_KERNEL_BACKENDS } from "./typed-kernel";

/** Name of the fused update kernel (registered for "cpu" and "wasm" on first use). */
export const ADAM_KERNEL = "SeismicXaiAdamUpdate";

let registered = false;

function ensureRegistered(): void {
  if (registered) return;
  registered = true;
  registerTypedKernel({
    kernelName: ADAM_KERNEL,
    inputNames: ["p", "g", "m", "v"],
    outputs: ([shape]) => [{ shape: shape.slice() }, { shape: shape.slice() }, { shape: shape.slice() }],
    body: ([p, g, m, v], [pOut, mOut, vOut], _shapes, attrs) => {
      const c = attrs as unknown as AdamStepConstants;
      const kernel = adamKernelFor(p.buffer);
      if (kernel !== null) {
        // One gradient slot: g itself.
        kernel.addSlotsAndUpdate(0, p.length, g.byteOffset, 0, 1, p.byteOffset, m.byteOffset, v.byteOffset, pOut.byteOffset, mOut.byteOffset, vOut.byteOffset, c.b1, c.oneMinusB1, c.b2, c.oneMinusB2, c.rootC2, c.eps, c.stepSize);
        return;
      }
      const f = Math.fround;
      for (let i = 0; i < p.length; i++) {
        const gi = g[i];
        const mi = f(f(m[i] * c.b1) + f(gi * c.oneMinusB1));
        const vi = f(f(v[i] * c.b2) + f(f(gi * gi) * c.oneMinusB2));
        const den = f(f(f(Math.sqrt(vi)) / c.rootC2) + c.eps);
        pOut[i] = f(p[i] - f(f(mi / den) * c.stepSize));
        mOut[i] = mi;
        vOut[i] = vi;
      }
    },
  });
}

/**
 * The constants of one update, rounded to float32 as tf.js rounds a number multiplied into a float32
 * tensor: what the WebAssembly kernel takes (assembly/adam-kernel.ts).
 */
export interface AdamStepConstants {
  b1: number;
  oneMinusB1: number;
  b2: number;
  oneMinusB2: number;
  rootC2: number;
  eps: number;
  stepSize: number;
}

/** Options of `Adam`. */
export interface AdamOptions {
  /** @default 1e-3 */
  learningRate?: number;
  /** @default 0.9 */
  beta1?: number;
  /** @default 0.999 */
  beta2?: number;
  /** @default 1e-8 */
  epsilon?: number;
}

/** The state of an `Adam`: step count and the moment estimates per variable, in variable order. */
export interface AdamState {
  step: number;
  m: Float32Array[];
  v: Float32Array[];
}

/** Adam over a fixed list of variables (see the file comment). */
export class Adam {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** Number of updates applied so far. */
  step = 0;
  private m: tf.Variable[];
  private v: tf.Variable[];

  constructor(readonly variables: tf.Variable[], options: AdamOptions = {}) {
    this.learningRate = options.learningRate ?? 1e-3;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    for (const [name, value] of Object.entries({ learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon })) {
      if (!Number.isFinite(value) || value < 0 || ((name === "beta1" || name === "beta2") && value >= 1)) {
        throw new Error(`Adam: ${name} out of range: ${value}`);
      }
    }
    // tidy frees the zero tensors; variables survive it.
    this.m = variables.map((x) => tf.tidy(() => tf.variable(tf.zerosLike(x), false)));
    this.v = variables.map((x) => tf.tidy(() => tf.variable(tf.zerosLike(x), false)));
  }

  /** Applies one update with `gradients` (same order and shapes as `variables`). */
  applyGradients(gradients: tf.Tensor[]): void {
    if (gradients.length !== this.variables.length) throw new Error(`Adam: ${gradients.length} gradients for ${this.variables.length} variables`);
    if ((TYPED_KERNEL_BACKENDS as readonly string[]).includes(tf.getBackend())) {
      ensureRegistered();
      const constants = this.nextStep();
      tf.tidy(() => {
        this.variables.forEach((p, i) => {
          const inputs = { p, g: gradients[i], m: this.m[i], v: this.v[i] };
          const [p2, m2, v2] = tf.engine().runKernel(ADAM_KERNEL, inputs, constants as unknown as tf.NamedAttrMap) as tf.Tensor[];
          p.assign(p2);
          this.m[i].assign(m2);
          this.v[i].assign(v2);
        });
      });
      return;
    }
    this.step++;
    const { stepSize, rootC2 } = this.corrections();
    tf.tidy(() => {
      this.variables.forEach((p, i) => {
        const g = gradients[i];
        const m = tf.add(tf.mul(this.m[i], this.beta1), tf.mul(g, 1 - this.beta1));
        const v = tf.add(tf.mul(this.v[i], this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
        const denominator = tf.add(tf.div(tf.sqrt(v), rootC2), this.epsilon);
        p.assign(tf.sub(p, tf.mul(tf.div(m, denominator), stepSize)));
        this.m[i].assign(m);
        this.v[i].assign(v);
      });
    });
  }

  /**
   * Counts one more update and returns its constants, for an update applied outside this object (the
   * threads of data-parallel training, shared-adam.ts), which then hands the moments back with setState.
   */
  nextStep(): AdamStepConstants {
    this.step++;
    const { stepSize, rootC2 } = this.corrections();
    const f = Math.fround;
    return {
      b1: f(this.beta1),
      oneMinusB1: f(1 - this.beta1),
      b2: f(this.beta2),
      oneMinusB2: f(1 - this.beta2),
      rootC2: f(rootC2),
      eps: f(this.epsilon),
      stepSize: f(stepSize),
    };
  }

  /** The bias corrections of update number `step`, in float64. */
  private corrections(): { stepSize: number; rootC2: number } {
    const c1 = 1 - Math.pow(this.beta1, this.step);
    const c2 = 1 - Math.pow(this.beta2, this.step);
    // p -= (lr / c1) * m / (sqrt(v) / sqrt(c2) + eps), PyTorch's arrangement of the same expression.
    return { stepSize: this.learningRate / c1, rootC2: Math.sqrt(c2) };
  }

  /** A copy of the state (for checkpoints). */
  getState(): AdamState {
    const copy = (t: tf.Variable) => Float32Array.from(t.dataSync() as Float32Array);
    return { step: this.step, m: this.m.map(copy), v: this.v.map(copy) };
  }

  /** Restores a state from `getState` (same variables, same order). */
  setState(state: AdamState): void {
    if (state.m.length !== this.variables.length || state.v.length !== this.variables.length) {
      throw new Error(`Adam.setState: state for ${state.m.length} variables, optimiser has ${this.variables.length}`);
    }
    this.variables.forEach((p, i) => {
      if (state.m[i].length !== p.size || state.v[i].length !== p.size) throw new Error(`Adam.setState: variable ${i} (${p.name}) has ${p.size} values, state ${state.m[i].length}`);
      tf.tidy(() => {
        this.m[i].assign(tf.tensor(state.m[i], p.shape));
        this.v[i].assign(tf.tensor(state.v[i], p.shape));
      });
    });
    this.step = state.step;
  }

  /** Frees the moment variables. */
  dispose(): void {
    tf.dispose([...this.m, ...this.v]);
  }
}
