/**
 * lib/shap: model-agnostic SHAP in TypeScript (shap 0.51 behaviour). Explanations, the Image masker with its
 * partition tree and Telea inpainting, the Partition explainer (Owen values), class-averaged maps, a resumable
 * explanation run, and TreeSHAP. Nothing here imports a model library (docs/design.md, "Layers").
 */
export type { BatchDtype, ExplainCallOptions, ExplainerOptions, FloatArray, LinkOutput, ModelFn, ModelFn64, OutputSelection, TieBreak } from "./explainer";
export { AdditivityError, EXPLANATION_FORMAT, Explanation } from "./explanation";
export type { AdditivityReport, ArrayEncoding, EncodedArray, ExplanationInit, ExplanationJson } from "./explanation";
export { classAveragedMaps } from "./aggregate";
export type { ClassAveragedMaps, ClassAveragedMapsOptions, ClassMap } from "./aggregate";
export type { BoundMasker, Masker } from "./maskers/masker";
export { PartitionTree } from "./maskers/partition-tree";
export type { ImageShape, NestedPairs } from "./maskers/partition-tree";
export { ImageMasker } from "./maskers/image-masker";
export type { BlurFill, ImageMaskerOptions } from "./maskers/image-masker";
export { boxBlur } from "./maskers/box-blur";
export { inpaintTelea } from "./maskers/inpaint-telea";
export { PartitionExplainer } from "./partition/partition-explainer";
export type { PartitionExplainerOptions, PartitionExplainOptions } from "./partition/partition-explainer";
export { explainToFile } from "./partition/explain-run";
export type { ExplainRunOptions } from "./partition/explain-run";
// TreeSHAP (lib/shap/tree has its own barrel, kept by the tree-explainer work).
export * from "./tree/index";
