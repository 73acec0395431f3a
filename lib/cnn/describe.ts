import type * as tf from "@tensorflow/tfjs";
import { buildCnn2d, CNN_INPUT_CHANNELS, CNN_INPUT_HEIGHT, CNN_INPUT_WIDTH, type Cnn2dOptions } from "./architecture";

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

/** The paper's CNN2D described for its figure: its layers, the input shape, the parameter count and a title. */
export interface CnnDescription {
  readonly layers: CnnLayerSummary[];
  /** [33, 153, 3]: frequencies x times x channels. */
  readonly inputShape: readonly number[];
  /** Every parameter, trainable and non-trainable (the batch-norm moving statistics). */
  readonly nParams: number;
  readonly title: string;
}

/**
 * Builds the paper's CNN2D (`buildCnn2d`), describes it (`describeCnnLayers`) and disposes it: what
 * `plots.cnnArchitecture` draws for Fig. 1 (`plots.cnnArchitecture(describeCnn2d())`).
 */
export function describeCnn2d(options: Cnn2dOptions = {}): CnnDescription {
  const model = buildCnn2d(options);
  try {
    const inputShape = [CNN_INPUT_HEIGHT, CNN_INPUT_WIDTH, CNN_INPUT_CHANNELS];
    return {
      layers: describeCnnLayers(model),
      inputShape,
      nParams: model.countParams(),
      title: `CNN2D: input ${CNN_INPUT_HEIGHT} frequencies × ${CNN_INPUT_WIDTH} times × ${CNN_INPUT_CHANNELS} channels`,
    };
  } finally {
    model.dispose();
  }
}
