/**
 * The CNN2D of Magrini & Marrocco with TensorFlow.js: model, backend choice, fast wasm training, evaluation,
 * save/load in the standard layers format, and the adapters that make it a SHAP model function.
 */
export { buildCnn2d, CNN_BN_EPSILON, CNN_BN_MOMENTUM, CNN_CLASSES, CNN_FORWARD_FLOP, CNN_IMAGE_SIZE, CNN_INPUT_CHANNELS, CNN_INPUT_HEIGHT, CNN_INPUT_WIDTH } from "./architecture";
export type { Cnn2dOptions } from "./architecture";
export { ensureBackend, initBackend, requireBackend } from "./backend";
export type { BackendName, InitBackendOptions } from "./backend";
export { registerWasmTrainingKernels } from "./wasm-kernels";
export { cnnWeights } from "./cnn-weights";
export type { CnnWeights, ConvBlockWeights, DenseWeights } from "./cnn-weights";
export { batchNormPoolRelu } from "./batch-norm-block";
export type { BatchNormBlockOptions, BatchNormBlockResult } from "./batch-norm-block";
export { assertCnnImages, computeStandardization, standardizeImages } from "./standardize";
export type { ImageData255, Standardization } from "./standardize";
export { CNN_CLASS_NAMES, getCnnMetadata, setCnnMetadata } from "./metadata";
export type { CnnMetadata, EpochRecord, TrainingInfo } from "./metadata";
export { Adam } from "./adam";
export type { AdamOptions, AdamState } from "./adam";
export { trainingForward, trainingPathOf } from "./training-forward";
export type { TrainingPath } from "./training-forward";
export { trainCnn } from "./train";
export type { LabeledImages, TrainCnnOptions, TrainCnnResult } from "./train";
export { readCnnCheckpoint, writeCnnCheckpoint } from "./checkpoint";
export type { CnnCheckpoint, CnnCheckpointState } from "./checkpoint";
export { foldCnn } from "./folded-inference";
export type { FoldedCnn } from "./folded-inference";
export { classifyLogits, predictCnn } from "./predict";
export type { CnnPredictions, PredictCnnOptions } from "./predict";
export { evaluateClassifier } from "./evaluate";
export type { ClassificationMetrics, EvaluateClassifierOptions, StationAccuracy } from "./evaluate";
export { savePredictionsCsv } from "./save-predictions";
export type { PredictionRows } from "./save-predictions";
export { assertCnnTopology, loadCnn, saveCnn } from "./io";
export type { SavedCnn } from "./io";
export { cnnModelFn } from "./model-fn";
export type { CnnModelFn, CnnModelFnOptions, CnnOutput } from "./model-fn";
export { InferencePool } from "./inference-pool";
export type { InferencePoolOptions } from "./inference-pool";
export { describeCnnLayers } from "./describe";
export type { CnnLayerSummary } from "./describe";
