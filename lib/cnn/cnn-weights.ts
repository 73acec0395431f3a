/**
 * Named access to the CNN2D's weight variables (see architecture.ts for the layer names), for the fused
 * training forward pass and the folded inference graph, which compute with the layers' own variables.
 */
import * as tf from "@tensorflow/tfjs";

/** The variables of one conv block: conv kernel [3, 3, Ci, Co] and bias [Co]; batch norm per channel [Co]. */
export interface ConvBlockWeights {
  kernel: tf.LayerVariable;
  bias: tf.LayerVariable;
  gamma: tf.LayerVariable;
  beta: tf.LayerVariable;
  movingMean: tf.LayerVariable;
  movingVariance: tf.LayerVariable;
}

/** The variables of a dense layer: kernel [in, out], bias [out]. */
export interface DenseWeights {
  kernel: tf.LayerVariable;
  bias: tf.LayerVariable;
}

/** All CNN2D variables by role. */
export interface CnnWeights {
  blocks: [ConvBlockWeights, ConvBlockWeights, ConvBlockWeights];
  fc1: DenseWeights;
  fc2: DenseWeights;
}

/**
 * Finds the CNN2D's variables in `model` by layer and weight name ("conv1" / "kernel", "bn1" /
 * "moving_mean", ...). Throws naming the missing layer or weight when `model` is not a CNN2D.
 */
export function cnnWeights(model: tf.LayersModel): CnnWeights {
  const weight = (layerName: string, weightName: string): tf.LayerVariable => {
    let layer: tf.layers.Layer;
    try {
      layer = model.getLayer(layerName);
    } catch {
      throw new Error(`model "${model.name}" has no layer "${layerName}": not a CNN2D built by buildCnn2d`);
    }
    const found = layer.weights.find((v) => v.originalName === `${layerName}/${weightName}`);
    if (found === undefined) throw new Error(`layer "${layerName}" has no weight "${weightName}"`);
    return found;
  };
  const block = (i: number): ConvBlockWeights => ({
    kernel: weight(`conv${i}`, "kernel"),
    bias: weight(`conv${i}`, "bias"),
    gamma: weight(`bn${i}`, "gamma"),
    beta: weight(`bn${i}`, "beta"),
    movingMean: weight(`bn${i}`, "moving_mean"),
    movingVariance: weight(`bn${i}`, "moving_variance"),
  });
  const dense = (name: string): DenseWeights => ({ kernel: weight(name, "kernel"), bias: weight(name, "bias") });
  return { blocks: [block(1), block(2), block(3)], fc1: dense("fc1"), fc2: dense("fc2") };
}
