/**
 * The CNN2D's forward pass in training mode, computed from the layers' own variables with the fused
 * batch-norm blocks (batch-norm-block.ts) on the cpu and wasm backends, and through the layers API
 * (`model.apply(x, { training: true })`) elsewhere. Both update the batch-norm moving statistics the way
 * Keras does: moving = moving - (moving - batch) * (1 - momentum), with the biased batch variance, where
 * PyTorch's running_var takes the unbiased one (larger by n / (n - 1) = 1.0004 for bn3 at batch 32, less
 * for the others): a difference far below what training noise changes.
 */
import * as tf from "@tensorflow/tfjs";
import { CNN_BN_EPSILON, CNN_BN_MOMENTUM } from "./architecture";
import { batchNormPoolRelu } from "./batch-norm-block";
import { cnnWeights, type ConvBlockWeights } from "./cnn-weights";
import { TYPED_KERNEL_BACKENDS } from "./typed-kernel";

/** Which implementation `trainingForward` uses on the current backend. */
export type TrainingPath = "fused" | "layers";

/** The training path of the current tf.js backend: "fused" on cpu and wasm, "layers" elsewhere. */
export function trainingPathOf(backendName: string = tf.getBackend()): TrainingPath {
  return (TYPED_KERNEL_BACKENDS as readonly string[]).includes(backendName) ? "fused" : "layers";
}

/**
 * Logits [N, 2] of a standardised batch `x` [N, 33, 153, 3] in training mode (batch statistics in the batch
 * norms), recording gradients for every trainable variable when called inside `optimizer.minimize` or
 * `tf.variableGrads`. As a side effect, moves each batch norm's moving mean and variance towards the batch
 * statistics (momentum from the layer, 0.9 for buildCnn2d). Dispose the result (or call inside `tf.tidy`).
 *
 * @param path "fused" needs the cpu or wasm backend; default: `trainingPathOf()` of the current backend
 */
export function trainingForward(model: tf.LayersModel, x: tf.Tensor4D, path: TrainingPath = trainingPathOf()): tf.Tensor2D {
  if (path === "layers") return model.apply(x, { training: true }) as tf.Tensor2D;
  if (trainingPathOf() !== "fused") throw new Error(`trainingForward: the fused path needs the cpu or wasm backend, not ${tf.getBackend()}`);
  const w = cnnWeights(model);
  const bnConfig = model.getLayer("bn1").getConfig();
  const momentum = typeof bnConfig.momentum === "number" ? bnConfig.momentum : CNN_BN_MOMENTUM;
  const epsilon = typeof bnConfig.epsilon === "number" ? bnConfig.epsilon : CNN_BN_EPSILON;
  const block = (input: tf.Tensor4D, b: ConvBlockWeights, strides: number, pad: "same" | number, poolSize: 1 | 2): tf.Tensor4D => {
    const z = tf.conv2d(input, b.kernel.read() as tf.Tensor4D, strides, pad);
    const r = batchNormPoolRelu(z, b.bias.read() as tf.Tensor1D, b.gamma.read() as tf.Tensor1D, b.beta.read() as tf.Tensor1D, { epsilon, poolSize });
    updateMoving(b.movingMean, r.mean, momentum);
    updateMoving(b.movingVariance, r.variance, momentum);
    return r.y;
  };
  const h1 = block(x, w.blocks[0], 1, "same", 2);
  // PyTorch's padding=1 on the stride-2 layer: 1 on every side (the layers model uses ZeroPadding2D).
  const h2 = block(h1, w.blocks[1], 2, 1, 2);
  const h3 = block(h2, w.blocks[2], 1, "same", 1);
  const flat = tf.reshape(h3, [h3.shape[0], -1]) as tf.Tensor2D;
  const d1 = tf.fused.matMul({ a: flat, b: w.fc1.kernel.read() as tf.Tensor2D, bias: w.fc1.bias.read(), activation: "relu" });
  return tf.fused.matMul({ a: d1, b: w.fc2.kernel.read() as tf.Tensor2D, bias: w.fc2.bias.read() }) as tf.Tensor2D;
}

/** Keras' moving-average update (recorded on the tape when training, but not part of the loss). */
function updateMoving(variable: tf.LayerVariable, batchValue: tf.Tensor, momentum: number): void {
  tf.tidy(() => {
    const old = variable.read();
    variable.write(tf.sub(old, tf.mul(tf.sub(old, batchValue), 1 - momentum)));
  });
}
