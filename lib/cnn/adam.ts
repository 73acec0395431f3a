/**
 * Adam (Kingma & Ba 2015) as PyTorch's torch.optim.Adam computes it (the optimiser of the paper's training):
 *   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;
 *   p -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 * with the bias corrections in float64 (tf.train.adam keeps b^t as a float32 product) and PyTorch's
 * eps = 1e-8. Its whole state (step count, m, v) can be read and restored exactly, which makes resumed
 * training identical to uninterrupted training.
 */
import * as tf from "@tensorflow/tfjs";

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
    this.step++;
    const c1 = 1 - Math.pow(this.beta1, this.step);
    const c2 = 1 - Math.pow(this.beta2, this.step);
    // p -= (lr / c1) * m / (sqrt(v) / sqrt(c2) + eps), PyTorch's arrangement of the same expression.
    const stepSize = this.learningRate / c1;
    const rootC2 = Math.sqrt(c2);
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
