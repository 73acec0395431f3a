/**
 * `plots`: pure functions returning Plotly figures (`Figure`, plain JSON), and `toSvg`, their static
 * renderer. Meant to be re-exported as a namespace (`export * as plots from "./plots"`), so notebooks call
 * `plots.shapImage(...)`, `plots.toSvg(fig)`. Nothing here displays anything (docs/design.md, "Layers").
 */
export type {
  Annotation,
  Axis,
  BarTrace,
  ColorBar,
  Colorscale,
  Figure,
  HeatmapTrace,
  Layout,
  LayoutImage,
  PlotlyTrace,
  ScatterTrace,
  Shape,
  TableTrace,
} from "./figure";
export { toSvg, type SvgOptions } from "./svg";
export { formatValue, sprintfNumber } from "./format";
export {
  BLUES,
  RED_BLUE,
  RED_TRANSPARENT_BLUE,
  SHAP_BLUE,
  SHAP_RED,
  VIRIDIS,
  colorscaleAt,
  parseColor,
} from "./colors";
export { nanPercentile } from "./percentile";
export { waveform, type WaveformPlotInput } from "./waveform";
export { spectrogram, type SpectrogramPlotInput } from "./spectrogram";
export { spectrogramChannels, type SpectrogramChannelsPlotInput } from "./spectrogram-channels";
export { shapImage, type ShapImagePlotInput } from "./shap-image";
export { classAveragedShapMap, type ClassAveragedShapMapPlotInput } from "./class-averaged-shap-map";
export { cnnArchitecture, type CnnArchitecturePlotInput, type CnnLayerInfo } from "./cnn-architecture";
export { classSpectra, type ClassSpectraPlotInput, type ClassSpectrum } from "./class-spectra";
export { predictedVsTrue, type PredictedVsTruePlotInput, type RegressionMetrics } from "./predicted-vs-true";
export { beeswarm, featureOrder, type BeeswarmPlotInput } from "./beeswarm";
export { beeswarmOffsets, type BeeswarmLayout } from "./beeswarm-offsets";
export { shapBar, type ShapBarPlotInput } from "./shap-bar";
export { waterfall, waterfallSteps, type WaterfallPlotInput, type WaterfallStep } from "./waterfall";
export { dependence, type DependencePlotInput } from "./dependence";
export { trainingCurves, type TrainingCurvesPlotInput, type EpochRecord } from "./training-curves";
export { confusionMatrix, type ConfusionMatrixPlotInput } from "./confusion-matrix";
export { table, type TablePlotInput } from "./table";
