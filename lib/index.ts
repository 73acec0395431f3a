/**
 * seismic-xai: the public entry of the library, the only path notebooks import (`from "./lib/index"`).
 * Folders by concern, dependencies pointing one way (test/architecture.test.ts):
 * core <- waveform <- data <- spectrogram / features <- cnn / forest; shap depends on core only; plots
 * draw from plain arrays; pipeline runs the paper's experiments; notebook displays (tslab).
 */
export { Rng } from "./core/rng";
export { InputError, assertInput, assertFinite } from "./core/errors";
export { writeFileAtomic, writeJsonAtomic } from "./core/atomic";
export { consoleProgress, silentProgress } from "./core/progress";
export type { ProgressFn } from "./core/progress";
export { repoRoot, dataDir, defaultDSetDir, cacheDir, resultsDir, sharedDir } from "./core/paths";
export * from "./waveform/trace";
export { readNpy, ndArrayToFloat64 } from "./waveform/npy";
export type { NdArray } from "./waveform/npy";
export { readNpz } from "./waveform/npz";
export * from "./data/index";
export * from "./spectrogram/index";
export * from "./spectrogram/image-cache";
export * from "./features/index";
export * from "./features/feature-table";
export * from "./cnn/index";
export * from "./forest/index";
export * from "./shap/index";
export * as plots from "./plots/index";
export { setupNotebook } from "./notebook/setup";
export type { NotebookContext } from "./notebook/setup";
export { show, showTable, figuresDir } from "./notebook/show";
export { notebookConfig, isQuick } from "./notebook/config";
export { notebookProgress } from "./notebook/progress";
export * from "./pipeline/dataset";
export * from "./pipeline/spectra";
export * from "./pipeline/results";
export * from "./pipeline/magnitude";
export * from "./pipeline/magnitude-results";
export * from "./pipeline/forest-cache";
export { classSpectra, colocatedEvents } from "./spectrogram/class-spectra";
export type { ClassSpectraOptions, ClassSpectraResult, ColocatedEventsOptions, LabelledWaveform } from "./spectrogram/class-spectra";
export * from "./pipeline/cnn-experiment";
export * from "./pipeline/cnn-experiments";
export * from "./pipeline/cnn-image-subset";
export * from "./pipeline/cnn-shap";
export * from "./pipeline/cnn-shap-explainer";
export * from "./pipeline/cnn-shap-peaks";
export * from "./pipeline/cnn-shap-results";
export * from "./pipeline/summary";
export * from "./pipeline/cnn-evaluation";
export { trainCnnExperimentsInWorkers, canTrainInWorkers } from "./pipeline/cnn-parallel-training";
