/** The figure cases shared by the SVG snapshots and the plotly.js consistency test (not a test file). */
import { beeswarm } from "../../lib/plots/beeswarm";
import { classAveragedShapMap } from "../../lib/plots/class-averaged-shap-map";
import { classSpectra } from "../../lib/plots/class-spectra";
import { cnnArchitecture } from "../../lib/plots/cnn-architecture";
import { confusionMatrix } from "../../lib/plots/confusion-matrix";
import { dependence } from "../../lib/plots/dependence";
import type { Figure } from "../../lib/plots/figure";
import { predictedVsTrue } from "../../lib/plots/predicted-vs-true";
import { shapBar } from "../../lib/plots/shap-bar";
import { shapImage } from "../../lib/plots/shap-image";
import { spectrogram } from "../../lib/plots/spectrogram";
import { spectrogramChannels } from "../../lib/plots/spectrogram-channels";
import { table } from "../../lib/plots/table";
import { trainingCurves } from "../../lib/plots/training-curves";
import { waterfall } from "../../lib/plots/waterfall";
import { waveform } from "../../lib/plots/waveform";
import { blockShapValues, freqsHz, hotspotMap, spectrogramImage, tabularShap, timesS, waveformData } from "./plot-fixtures";

/** Every plot once, on small deterministic inputs: the snapshot cases. */
export function figureCases(): Record<string, () => Figure> {
  const img = spectrogramImage();
  const tab = tabularShap(60, 6);
  const spec = new Float64Array(33 * 153);
  for (let i = 0; i < spec.length; i++) spec[i] = img[3 * i + 2] / 255;
  const f = Array.from({ length: 100 }, (_, i) => 0.5 * (i + 1));
  const fore = f.map((x) => 100 / (1 + (x / 8) ** 2)), after = f.map((x) => 80 / (1 + (x / 5) ** 2));
  return {
    waveform: () => waveform({ data: waveformData(), samplingRateHz: 100, channels: ["E", "N", "Z"], pArrivalS: 5, title: "Waveform with the P pick" }),
    spectrogram: () => spectrogram({ values: spec, freqsHz: freqsHz(), timesS: timesS(), title: "Spectrogram, Z", colorbarTitle: "log(1 + PSD), scaled", pArrivalS: 5 }),
    "spectrogram-channels": () =>
      spectrogramChannels({ values: img, freqsHz: freqsHz(), timesS: timesS(), channels: ["E", "N", "Z"], title: "Spectrogram image", colorbarTitle: "8-bit value", pArrivalS: 5 }),
    "shap-image": () =>
      shapImage({ image: img, shape: [33, 153, 3], values: blockShapValues(), outputNames: ["foreshock", "aftershock"], freqsHz: freqsHz(), timesS: timesS(), title: "Figure 2 — SHAP", pArrivalS: 5 }),
    "class-averaged-shap-map": () =>
      classAveragedShapMap({ maps: [hotspotMap(36, 6, 0.233), hotspotMap(33, 13, 0.05)], classNames: ["Foreshocks", "Aftershocks"], freqsHz: freqsHz(), timesS: timesS(), title: "Figure 3 — class averages" }),
    "cnn-architecture": () =>
      cnnArchitecture({
        inputShape: [33, 153, 3],
        title: "Figure 1 — CNN2D",
        layers: [
          { name: "conv2d_1", className: "Conv2D", outputShape: [null, 33, 153, 32], params: 896 },
          { name: "max_pooling2d_1", className: "MaxPooling2D", outputShape: [null, 16, 76, 32], params: 0 },
          { name: "flatten_1", className: "Flatten", outputShape: [null, 9728], params: 0 },
          { name: "dense_1", className: "Dense", outputShape: [null, 2], params: 19458 },
        ],
      }),
    "class-spectra": () =>
      classSpectra({
        freqsHz: f,
        perClass: [
          { name: "Foreshocks", mean: fore, lower: fore.map((v) => v / 2), upper: fore.map((v) => v * 2) },
          { name: "Aftershocks", mean: after, lower: after.map((v) => v / 2), upper: after.map((v) => v * 2) },
        ],
        amplitudeUnit: "counts·s",
        title: "Figure 5 — spectra",
        spreadLabel: "16th–84th percentile",
      }),
    "predicted-vs-true": () => {
      const t = Array.from({ length: 80 }, (_, i) => 0.5 + (3.5 * i) / 79);
      return predictedVsTrue({ yTrue: t, yPred: t.map((v, i) => v + 0.15 * Math.sin(i * 1.3)), metrics: { mae: 0.1052, rmse: 0.1457, r2: 0.8834 }, title: "Figure 6 — magnitude" });
    },
    beeswarm: () => beeswarm({ values: tab.values, features: tab.features, featureNames: tab.names, title: "Figure 7 — SHAP summary" }),
    "shap-bar": () => shapBar({ values: tab.values, featureNames: tab.names, maxDisplay: 4, title: "Mean |SHAP|" }),
    "shap-bar-local": () => shapBar({ values: tab.values.slice(0, 6), data: tab.features.slice(0, 6), featureNames: tab.names, title: "One prediction" }),
    waterfall: () => waterfall({ values: tab.values.slice(6, 12), baseValues: 1.077, data: tab.features.slice(6, 12), featureNames: tab.names, maxDisplay: 5, title: "Waterfall", xTitle: "Predicted magnitude" }),
    dependence: () =>
      dependence({
        featureValues: Array.from({ length: 60 }, (_, i) => 2 + 8 * Math.abs(tab.features[i * 6 + 2]) / 3),
        shapValues: Array.from({ length: 60 }, (_, i) => tab.values[i * 6 + 2]),
        featureName: "p_travel_sec",
        featureUnit: "s",
        colorBy: { values: Array.from({ length: 60 }, (_, i) => tab.features[i * 6]), name: tab.names[0] },
        title: "Dependence on p_travel_sec",
      }),
    "training-curves": () =>
      trainingCurves({
        history: Array.from({ length: 10 }, (_, e) => ({ epoch: e + 1, loss: 0.5 * Math.exp(-e / 3), accuracy: 1 - 0.3 * Math.exp(-e / 2), valLoss: 0.55 * Math.exp(-e / 3), valAccuracy: 0.97 - 0.3 * Math.exp(-e / 2) })),
        title: "Training",
      }),
    "confusion-matrix": () => confusionMatrix({ matrix: [640, 2, 3, 517], classNames: ["foreshock", "aftershock"], title: "Confusion matrix" }),
    table: () => table({ columns: ["Held-out station", "Test traces", "Accuracy"], rows: [["NRCA", 1162, 0.9957], ["T1244", 8249, 0.5019]], title: "Leave-one-station-out" }),
  };
}
