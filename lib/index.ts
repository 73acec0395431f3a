/**
 * seismic-xai: the public entry of the library, what the notebooks (`from "./lib/index"`) and users call.
 * Small on purpose (test/index.test.ts bounds it): the study's steps, the explainers and the Explanation they
 * return, the plots, and the building blocks a user of the field reaches for. Everything else stays
 * importable by its own path (`lib/<folder>/<file>`), and each folder has a barrel (`lib/shap/index`, ...).
 *
 * Folders by concern, dependencies pointing one way (test/architecture.test.ts):
 * core <- waveform <- data <- spectrogram / features <- cnn / forest; shap depends on core only; plots draw
 * from core, waveform, spectrogram and shap types; pipeline runs the paper's experiments; notebook displays.
 */

// Notebooks: setup (seed, backend, folders, display) and the study's settings, defined once.
export { setupNotebook } from "./notebook/setup";
export { studySettings } from "./pipeline/study";
export type { StudySettings, StudyPreset } from "./pipeline/study";
export * as plots from "./plots/index";

// The study, step by step (notebooks 01-09).
export { ensureDataset } from "./pipeline/dataset";
export { buildImageCache, loadImageSet } from "./spectrogram/image-cache";
export { runCnnExperiments, loadCnnExperiment, leaveOneStationOutTable, PAPER_CNN } from "./pipeline/cnn-experiments";
export { trainCnnExperiment } from "./pipeline/cnn-experiment";
export { takeImageSubset } from "./pipeline/cnn-image-subset";
export type { ImageSubset, SubsetImage } from "./pipeline/cnn-image-subset";
export { createCnnShapExplainer } from "./pipeline/cnn-shap-explainer";
export { explainCnnClassMaps, PAPER_CNN_SHAP } from "./pipeline/cnn-shap";
export { classMapPeaks } from "./pipeline/cnn-shap-peaks";
export { writeCnnShapResults, readCnnShapResults } from "./pipeline/cnn-shap-results";
export { colocatedClassSpectra } from "./pipeline/spectra";
export { buildFeatureTable } from "./features/feature-table";
export { runMagnitudeExperiment, runMagnitudeExperiments, PAPER_MAGNITUDE } from "./pipeline/magnitude";
export { writeMagnitudeResults } from "./pipeline/magnitude-results";
export { paperComparison, writeSummary } from "./pipeline/summary";

// Data: the D-set reader and generator (SeisBench-style rows + traces), splits.
export { openDSet, DSet } from "./data/dset-reader";
export type { DSetMetadataRow, DSetTrace } from "./data/dset-reader";
export { generateNorciaDataset } from "./data/generator";
export { DSET_STATIONS } from "./data/stations";
export { randomSplit, groupedSplit } from "./data/split";
export type { Trace, TraceStats } from "./waveform/trace";

// Spectra (scipy-exact) and the paper's images.
export { spectrogram } from "./spectrogram/spectrogram";
export { channelSpectrograms } from "./spectrogram/channel-spectrograms";
export { spectrogramImage } from "./spectrogram/spectrogram-image";
export { welch } from "./spectrogram/welch";
export { toDecibels } from "./spectrogram/decibels";
export { classSpectra } from "./spectrogram/class-spectra";
export type { Spectrogram } from "./spectrogram/spectrogram";
export type { SpectrogramImage } from "./spectrogram/spectrogram-image";

// The CNN (TensorFlow.js) and its adapter to SHAP.
export { buildCnn2d, CNN_CLASSES } from "./cnn/architecture";
export { describeCnn2d, describeCnnLayers } from "./cnn/describe";
export { initBackend } from "./cnn/backend";
export { trainCnn } from "./cnn/train";
export { predictCnn } from "./cnn/predict";
export { evaluateClassifier } from "./cnn/evaluate";
export { loadCnn, saveCnn } from "./cnn/io";
export { cnnModelFn } from "./cnn/model-fn";
export { CNN_CLASS_NAMES } from "./cnn/metadata";

// The random forest and its adapter to TreeSHAP.
export { RandomForestRegressor } from "./forest/random-forest";
export { toTreeEnsemble } from "./forest/to-tree-ensemble";
export { regressionMetrics } from "./forest/metrics";
export { waveformFeatures } from "./features/waveform-features";

// SHAP: explainers, maskers and the Explanation every one of them returns (lib/shap knows no model library).
export { Explanation, AdditivityError } from "./shap/explanation";
export type { ExplanationInit } from "./shap/explanation";
export { PartitionExplainer } from "./shap/partition/partition-explainer";
export { explainToFile } from "./shap/partition/explain-run";
export { ImageMasker } from "./shap/maskers/image-masker";
export { inpaintTelea } from "./shap/maskers/inpaint-telea";
export { classAveragedMaps } from "./shap/aggregate";
export { TreeExplainer } from "./shap/tree/tree-explainer";
export { treeShap } from "./shap/tree/tree-shap";
export type { ModelFn } from "./shap/explainer";
export type { TreeEnsemble } from "./shap/tree/tree-ensemble";

// Core: seeded randomness and errors that name the file or trace.
export { Rng } from "./core/rng";
export { displayPath, redactPaths } from "./core/display-path";
export { InputError, assertInput } from "./core/errors";
