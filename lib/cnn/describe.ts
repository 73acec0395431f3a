import type * as tf from "@tensorflow/tfjs";

/** One layer of a model as the architecture figure (Fig. 1) draws it. */
export interface CnnLayerSummary {
  readonly name: string;
  /** The tf.js layer class, e.g. "Conv2D", "BatchNormalization". */
  readonly className: string;
  /** Output shape with the batch dimension as null, e.g. [null, 16, 76, 32] (height = frequency, width = time). */
  readonly outputShape: ReadonlyArray<number | null>;
  /** Parameters of the layer, trainable and non-trainable (batch-norm moving statistics). */
  readonly params: number;
}

/**
 * The layers of a built (or loaded) model, in order, with their output shapes and parameter counts: the
 * input of `plots.cnnArchitecture` (paper Fig. 1), drawn from the model itself rather than from a picture.
 */
export function describeCnnLayers(model: tf.LayersModel): CnnLayerSummary[] {
  return model.layers.map((layer) => {
    const shape = layer.outputShape;
    const single = (Array.isArray(shape[0]) ? shape[0] : shape) as ReadonlyArray<number | null>;
    return { name: layer.name, className: layer.getClassName(), outputShape: [...single], params: layer.countParams() };
  });
}
