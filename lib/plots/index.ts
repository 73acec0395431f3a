/**
 * `plots`: pure functions returning Plotly figures (`Figure`, plain JSON), and `toSvg`, their static
 * renderer. Each plot takes an object first, shap-style (an Explanation, a Trace, a spectrogram or image, a
 * result), and an options object of what a user may change (title, maxDisplay, colour limits); the plain
 * arrays each plot draws from stay accepted as its `*PlotInput`. Meant to be re-exported as a namespace (`export * as plots from "./plots"`), so notebooks call
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
export { waveform, type WaveformOptions, type WaveformPlotInput } from "./waveform";
export { spectrogram, type SpectrogramOptions, type SpectrogramPlotInput } from "./spectrogram";
export { spectrogramChannels, type SpectrogramChannelsPlotInput } from "./spectrogram-channels";
export { shapImage, type ImageWithAxes, type ShapImageOptions, type ShapImagePlotInput } from "./shap-image";
export { classAveragedShapMap, type ClassAveragedShapMapOptions, type ClassAveragedShapMapPlotInput, type ClassMapsWithAxes } from "./class-averaged-shap-map";
export { cnnArchitecture, type CnnArchitecturePlotInput, type CnnLayerInfo } from "./cnn-architecture";
export { classSpectra, type ClassSpectraPlotInput, type ClassSpectrum } from "./class-spectra";
export { predictedVsTrue, type PredictedVsTrueOptions, type PredictedVsTruePlotInput, type RegressionMetrics, type RegressionResult } from "./predicted-vs-true";
export { beeswarm, featureOrder, type BeeswarmOptions, type BeeswarmPlotInput } from "./beeswarm";
export { beeswarmOffsets, type BeeswarmLayout } from "./beeswarm-offsets";
export { bar, shapBar, type ShapBarOptions, type ShapBarPlotInput } from "./shap-bar";
export { waterfall, waterfallSteps, type WaterfallOptions, type WaterfallPlotInput, type WaterfallStep } from "./waterfall";
export { dependence, type DependenceOptions, type DependencePlotInput } from "./dependence";
export { trainingCurves, type TrainingCurvesPlotInput, type EpochRecord } from "./training-curves";
export { confusionMatrix, type ClassifierResult, type ConfusionMatrixOptions, type ConfusionMatrixPlotInput } from "./confusion-matrix";
export { table, type TablePlotInput } from "./table";
