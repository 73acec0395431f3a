/**
 * Plots take objects first (an Explanation, a Trace, a spectrogram or image, a result), shap-style, and draw
 * exactly the figure their plain-array form draws from the same numbers; options change what a user may
 * change. The plain-array forms are snapshot-tested in svg.test.ts.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Explanation } from "../../lib/shap/explanation";
import { beeswarm } from "../../lib/plots/beeswarm";
import { classAveragedShapMap } from "../../lib/plots/class-averaged-shap-map";
import { classSpectra } from "../../lib/plots/class-spectra";
import { cnnArchitecture } from "../../lib/plots/cnn-architecture";
import { confusionMatrix } from "../../lib/plots/confusion-matrix";
import { dependence } from "../../lib/plots/dependence";
import type { BarTrace, Figure } from "../../lib/plots/figure";
import { predictedVsTrue } from "../../lib/plots/predicted-vs-true";
import { bar, shapBar } from "../../lib/plots/shap-bar";
import { shapImage } from "../../lib/plots/shap-image";
import { spectrogram } from "../../lib/plots/spectrogram";
import { spectrogramChannels } from "../../lib/plots/spectrogram-channels";
import { trainingCurves } from "../../lib/plots/training-curves";
import { waterfall } from "../../lib/plots/waterfall";
import { waveform } from "../../lib/plots/waveform";
import { toDecibels } from "../../lib/spectrogram/decibels";
import type { Trace } from "../../lib/waveform/trace";
import { blockShapValues, freqsHz, hotspotMap, spectrogramImage, tabularShap, timesS, waveformData } from "./plot-fixtures";

const tab = tabularShap(60, 6);
/** The fixture's table as TreeExplainer returns it: [60, 6], base value 1.077. */
const table = new Explanation({ values: tab.values, baseValues: new Float64Array(60).fill(1.077), data: tab.features, featureNames: tab.names });
const title = "T";

test("waterfall(expl.row(i)) is the array waterfall of that row; more than one row is refused", () => {
  const row = table.row(1);
  assert.deepEqual(
    waterfall(row, { title, maxDisplay: 5, xTitle: "Predicted magnitude" }),
    waterfall({ values: tab.values.slice(6, 12), baseValues: 1.077, data: tab.features.slice(6, 12), featureNames: tab.names, maxDisplay: 5, title, xTitle: "Predicted magnitude" }),
  );
  assert.equal(waterfall(row).layout.title!.text, "Waterfall of one prediction");
  assert.throws(() => waterfall(table), /plots.waterfall: draws one explained sample, but the explanation holds 60: pass expl.row\(i\)/);
});

test("beeswarm(expl) is the array beeswarm; the default title counts the samples", () => {
  assert.deepEqual(beeswarm(table, { title, maxDisplay: 4, seed: 3 }), beeswarm({ values: tab.values, features: tab.features, featureNames: tab.names, title, maxDisplay: 4, seed: 3 }));
  assert.equal(beeswarm(table).layout.title!.text, "SHAP values of 60 samples");
});

test("bar(expl): global for N samples, local for expl.row(i), and a reduction drawn as it is", () => {
  assert.equal(bar, shapBar);
  assert.deepEqual(bar(table, { title, maxDisplay: 4 }), shapBar({ values: tab.values, featureNames: tab.names, maxDisplay: 4, title }));
  assert.deepEqual(bar(table.row(0), { title }), shapBar({ values: tab.values.slice(0, 6), data: tab.features.slice(0, 6), featureNames: tab.names, title }));
  const meanAbs = bar(table.abs().mean(0));
  assert.equal(meanAbs.layout.xaxis!.title!.text, "mean(|SHAP value|)");
  assert.equal(meanAbs.layout.title!.text, "Global importance: mean(|SHAP value|)");
  // The bars of the reduction are the global form's bars (mean |SHAP| per feature), without "value = name" labels.
  const bars = (fig: Figure) => (fig.data[0] as BarTrace).x as number[];
  bars(meanAbs).forEach((v, i) => assert.ok(Math.abs(v - bars(bar(table))[i]) < 1e-15, `bar ${i}`));
  assert.deepEqual(meanAbs.layout.yaxis!.ticktext, bar(table).layout.yaxis!.ticktext);
});

test("dependence(expl, name) draws that feature's column, coloured by another by name", () => {
  const column = (j: number, a: Float64Array) => Array.from({ length: 60 }, (_, i) => a[i * 6 + j]);
  assert.deepEqual(
    dependence(table, "p_travel_sec", { featureUnit: "s", colorBy: tab.names[0], title }),
    dependence({ featureValues: column(2, tab.features), shapValues: column(2, tab.values), featureName: "p_travel_sec", featureUnit: "s", colorBy: { values: column(0, tab.features), name: tab.names[0] }, title }),
  );
  assert.equal(dependence(table, 2).layout.title!.text, "SHAP dependence on p_travel_sec");
  assert.throws(() => dependence(table, "nope"), /unknown feature "nope"/);
});

test("shapImage(expl, image) is the array image plot, titled from the image and the evaluations", () => {
  const img = spectrogramImage();
  const values = blockShapValues();
  const expl = new Explanation({
    values,
    baseValues: Float64Array.of(0.1, -0.2),
    data: Float64Array.from(img),
    nSamples: 1,
    featureShape: [33, 153, 3],
    nOutputs: 2,
    outputNames: [["foreshock", "aftershock"]],
    evalCounts: Int32Array.of(1000),
  });
  const image = { data: img, shape: [33, 153, 3] as const, freqsHz: freqsHz(), timesS: timesS(), pArrivalS: 5, traceName: "NRCA.IV.1_EV", labelName: "foreshock" };
  const fig = shapImage(expl, image, { title });
  assert.deepEqual(fig, shapImage({ image: img, shape: [33, 153, 3], values, outputNames: ["foreshock", "aftershock"], freqsHz: freqsHz(), timesS: timesS(), pArrivalS: 5, title, imageTitle: "True: foreshock" }));
  assert.equal(shapImage(expl, image).layout.title!.text, "Partition SHAP of NRCA.IV.1_EV (1000 model evaluations)");
  const two = Explanation.concat([expl, expl]);
  assert.throws(() => shapImage(two, image), /draws one explained image, but the explanation holds 2: pass expl.row\(i\)/);
  assert.throws(() => shapImage(expl, { ...image, shape: [33, 153, 1] }), /feature shape \[33,153,3\] is not the image's shape \[33,153,1\]/);
});

test("classAveragedShapMap(maps) reads the classes, counts and axes of the result", () => {
  const maps = { classes: [{ name: "foreshock", map: hotspotMap(36, 6, 0.233), count: 24 }, { name: "aftershock", map: hotspotMap(33, 13, 0.05), count: 20 }], freqsHz: freqsHz(), timesS: timesS(), pArrivalS: 5 };
  assert.deepEqual(
    classAveragedShapMap(maps, { title }),
    classAveragedShapMap({ maps: [maps.classes[0].map, maps.classes[1].map], classNames: ["foreshock", "aftershock"], counts: [24, 20], freqsHz: freqsHz(), timesS: timesS(), pArrivalS: 5, title }),
  );
});

test("waveform(trace) takes the sampling rate, channels and P pick from the trace (ObsPy's trace.plot())", () => {
  const data = waveformData();
  const trace: Trace = {
    data,
    dimensionOrder: "CW",
    stats: { traceName: "NRCA.IV.1_EV", station: "NRCA", samplingRateHz: 100, nChannels: 3, nSamples: 2500, channels: ["E", "N", "Z"], pArrivalSample: 500, startTime: "2016-10-30T06:40:17.000000Z", processing: [] },
  };
  assert.deepEqual(waveform(trace, { title }), waveform({ data, samplingRateHz: 100, channels: ["E", "N", "Z"], pArrivalS: 5, title }));
  assert.equal(waveform(trace).layout.title!.text, "NRCA.IV.1_EV (NRCA), 2016-10-30 06:40:17 UTC");
  const noPick = waveform({ ...trace, stats: { ...trace.stats, pArrivalSample: undefined } });
  assert.equal(noPick.layout.shapes!.length, 0, "no P line without a pick");
});

test("spectrogram plots take spectrogram and image objects; decibels is ObsPy's dbscale", () => {
  const img = spectrogramImage();
  const power = Float64Array.from({ length: 33 * 153 * 3 }, (_, i) => 1 + (i % 97));
  const spec = { values: power, freqsHz: freqsHz(), timesS: timesS(), shape: [33, 153, 3] as const, dimensionOrder: "FTC" as const, traceName: "X", channels: ["E", "N", "Z"], pArrivalS: 5 };
  assert.deepEqual(
    spectrogramChannels(spec, { decibels: true }),
    spectrogramChannels({ values: toDecibels(power), freqsHz: freqsHz(), timesS: timesS(), channels: ["E", "N", "Z"], pArrivalS: 5, title: "Spectrograms of X", colorbarTitle: "PSD (dB re 1 count²/Hz)" }),
  );
  const image = { data: img, shape: [33, 153, 3] as const, dimensionOrder: "FTC" as const, freqsHz: freqsHz(), timesS: timesS(), processing: [], traceName: "X", channels: ["E", "N", "Z"], pArrivalS: 5 };
  assert.deepEqual(
    spectrogramChannels(image),
    spectrogramChannels({ values: img, freqsHz: freqsHz(), timesS: timesS(), channels: ["R = E", "G = N", "B = Z"], pArrivalS: 5, title: "CNN input image of X", colorbarTitle: "8-bit value", zmin: 0, zmax: 255 }),
  );
  const one = { values: power.subarray(0, 33 * 153), freqsHz: freqsHz(), timesS: timesS(), shape: [33, 153] as const, dimensionOrder: "FT" as const };
  assert.deepEqual(spectrogram(one, { title, pArrivalS: 5 }), spectrogram({ values: one.values, freqsHz: freqsHz(), timesS: timesS(), title, colorbarTitle: "PSD (counts²/Hz)", pArrivalS: 5 }));
});

test("results: predictedVsTrue, trainingCurves and confusionMatrix take what the experiments return", () => {
  const yTest = Float64Array.of(1, 2, 3), yPred = Float64Array.of(1.1, 1.9, 3.2);
  const metrics = { mae: 0.1, rmse: 0.14, r2: 0.98 };
  assert.deepEqual(predictedVsTrue({ yTest, yPred, metrics, nEstimators: 100, split: "random" }, { title }), predictedVsTrue({ yTrue: yTest, yPred, metrics, title }));
  assert.equal(predictedVsTrue({ yTest, yPred, metrics, nEstimators: 100, split: "random" }).layout.title!.text, "Random forest, 100 trees, random split (3 test samples)");
  const history = [{ epoch: 1, loss: 0.5, accuracy: 0.8 }, { epoch: 2, loss: 0.3, accuracy: 0.9 }];
  assert.deepEqual(trainingCurves({ history, name: "nrca", nTrain: 350 }), trainingCurves({ history, title: "nrca: 350 training images" }));
  assert.deepEqual(trainingCurves({ history, name: "nrca" }, { title }), trainingCurves({ history, title }));
  const experiment = { name: "nrca", metrics: { confusion: [[40, 1], [2, 32]], n: 75 }, classNames: ["foreshock", "aftershock"] };
  assert.deepEqual(confusionMatrix(experiment), confusionMatrix({ matrix: [40, 1, 2, 32], classNames: ["foreshock", "aftershock"], title: "nrca: confusion matrix (75 test samples)" }));
  assert.deepEqual(confusionMatrix(experiment.metrics, { title }).data, confusionMatrix({ matrix: [40, 1, 2, 32], classNames: ["class 0", "class 1"], title }).data);
  assert.throws(() => confusionMatrix({}), /no confusion matrix/);
});

test("cnnArchitecture and classSpectra take their objects with an optional title", () => {
  const layers = [{ name: "dense_1", className: "Dense", outputShape: [null, 2], params: 10 }];
  assert.deepEqual(cnnArchitecture({ layers, inputShape: [4] }, { title }), cnnArchitecture({ layers, inputShape: [4], title }));
  assert.equal(cnnArchitecture({ layers }).layout.title!.text, "CNN architecture");
  const f = [1, 2, 4, 8];
  const spectra = { freqsHz: f, perClass: [{ name: "Foreshock", mean: [4, 3, 2, 1], lower: [2, 1, 1, 0.5], upper: [8, 6, 4, 2] }], amplitudeUnit: "counts/√Hz", station: "NRCA" };
  assert.equal(classSpectra(spectra).layout.title!.text, "Amplitude spectra per class at NRCA");
  assert.deepEqual(classSpectra(spectra, { title }), classSpectra({ ...spectra, title }));
  assert.equal(classSpectra({ ...spectra, selection: { maxDistanceKm: 5 } }).layout.title!.text, "Amplitude spectra per class at NRCA (events within 5 km of the mainshock)");
});
