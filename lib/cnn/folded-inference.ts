/**
 * The CNN2D's inference graph with each batch norm folded into the convolution before it, for fast
 * prediction (the SHAP workload evaluates the network tens of thousands of times).
 *
 * With s = gamma / sqrt(movingVariance + epsilon), batchNorm(conv(x, W) + b) = conv(x, W * s) +
 * (b - movingMean) * s + beta, exactly; and relu(maxPool(v)) = maxPool(relu(v)) because ReLU is monotone,
 * so every block becomes one fused conv + bias + ReLU (one XNNPACK call on wasm) followed by the max-pool.
 * On wasm this removes the inference-mode batch norms (a fifth of the stock forward time) and the padding
 * layer. Results equal `model.predict` up to float32 rounding (checked in the tests).
 */
import * as tf from "@tensorflow/tfjs";
import { CNN_BN_EPSILON } from "./architecture";
import { cnnWeights, type ConvBlockWeights } from "./cnn-weights";

/** A CNN2D with batch norms folded into its convolutions; holds its own copy of the weights. */
export interface FoldedCnn {
  /** Logits [N, 2] of standardised images `x` [N, 33, 153, 3]. The caller disposes the result. */
  logits(x: tf.Tensor4D): tf.Tensor2D;
  /** Frees the folded weights. */
  dispose(): void;
}

interface FoldedBlock {
  filter: tf.Tensor4D;
  bias: tf.Tensor1D;
}

/**
 * Folds the CNN2D `model` (from buildCnn2d or loadCnn) for inference, using the weights it has now: fold
 * again after further training.
 */
export function foldCnn(model: tf.LayersModel): FoldedCnn {
  const w = cnnWeights(model);
  const bnConfig = model.getLayer("bn1").getConfig();
  const epsilon = typeof bnConfig.epsilon === "number" ? bnConfig.epsilon : CNN_BN_EPSILON;
  const fold = (b: ConvBlockWeights): FoldedBlock =>
    tf.tidy(() => {
      const s = tf.div(b.gamma.read(), tf.sqrt(tf.add(b.movingVariance.read(), epsilon)));
      return {
        filter: tf.mul(b.kernel.read(), s) as tf.Tensor4D,
        bias: tf.add(tf.mul(tf.sub(b.bias.read(), b.movingMean.read()), s), b.beta.read()) as tf.Tensor1D,
      };
    });
  const blocks = w.blocks.map(fold);
  const dense = [w.fc1, w.fc2].map((d) => ({ kernel: tf.clone(d.kernel.read()) as tf.Tensor2D, bias: tf.clone(d.bias.read()) as tf.Tensor1D }));
  let disposed = false;
  return {
    logits(x: tf.Tensor4D): tf.Tensor2D {
      if (disposed) throw new Error("FoldedCnn.logits: the folded model was disposed");
      return tf.tidy(() => {
        const conv = (input: tf.Tensor4D, b: FoldedBlock, strides: number, pad: "same" | number) =>
          tf.fused.conv2d({ x: input, filter: b.filter, bias: b.bias, strides, pad, activation: "relu" });
        const pool = (v: tf.Tensor4D) => tf.maxPool(v, 2, 2, "valid");
        const h1 = pool(conv(x, blocks[0], 1, "same"));
        // Padding 1 on every side of the stride-2 layer, as PyTorch's padding=1 (and the layers model's pad2).
        const h2 = pool(conv(h1, blocks[1], 2, 1));
        const h3 = conv(h2, blocks[2], 1, "same");
        const flat = tf.reshape(h3, [h3.shape[0], -1]) as tf.Tensor2D;
        const d1 = tf.fused.matMul({ a: flat, b: dense[0].kernel, bias: dense[0].bias, activation: "relu" });
        return tf.fused.matMul({ a: d1, b: dense[1].kernel, bias: dense[1].bias }) as tf.Tensor2D;
      });
    },
    dispose(): void {
      if (disposed) return;
      disposed = true;
      for (const b of blocks) tf.dispose([b.filter, b.bias]);
      for (const d of dense) tf.dispose([d.kernel, d.bias]);
    },
  };
}
