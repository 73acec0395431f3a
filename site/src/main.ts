/**
 * The explorer's page: pick a model, a station and a trace (or drop a .npy/.npz), see the waveform, the
 * spectrogram image and the prediction, and the Partition SHAP map computed by the worker (worker.ts) with a
 * progress bar and a cancel button; a second view shows the class-averaged maps (Fig. 3 and 4). The figures
 * are lib/plots' figure specs, the ones the notebooks show, drawn by plotly.js-dist (loaded by index.html).
 * `window.explorer` exposes the state for the browser test (test/site/explorer.browser-test.ts).
 */
import { Explanation } from "../../lib/shap/explanation";
import { classAveragedShapMap } from "../../lib/plots/class-averaged-shap-map";
import { shapImage, type ImageWithAxes } from "../../lib/plots/shap-image";
import { spectrogramChannels } from "../../lib/plots/spectrogram-channels";
import { waveform } from "../../lib/plots/waveform";
import type { Figure } from "../../lib/plots/figure";
import { readDroppedTrace } from "./dropped-trace";
import type { ExplanationFields, WorkerMessage } from "./protocol";

interface SiteIndex {
  description: string;
  models: { name: string; label: string; url: string; accuracy: number | null }[];
  traces: { id: string; station: string; labelName: string; traceName: string; url: string }[];
  axes: { freqsHz: number[]; timesS: number[]; pArrivalS: number };
  classMaps: { name: string; label: string; url: string }[];
}

/** The D-set metadata fields the page shows (lib/data/dset-reader.ts DSetMetadataRow). */
interface TraceMetadata {
  source_magnitude_type: string;
  source_magnitude: number;
  source_depth_km: number;
  distance_km: number;
  source_origin_time: string;
  period: string;
}

/** A trace ready to explain. */
interface Current {
  id: string;
  title: string;
  waveform: ArrayLike<number>;
  channels: readonly string[];
  image: ImageWithAxes & { data: Uint8Array };
}

declare const Plotly: { react(el: HTMLElement, data: unknown, layout: unknown, config?: unknown): Promise<unknown>; purge(el: HTMLElement): void };

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

const state = {
  index: null as SiteIndex | null,
  current: null as Current | null,
  running: false,
  last: null as null | { id: string; model: string; maxEvals: number; values: number[]; baseValues: number[]; modelOutputs: number[]; probabilities: number[]; seconds: number },
  message: "",
};
(window as unknown as { explorer: unknown }).explorer = state;

/**
 * Draws a lib/plots figure spec with plotly.js-dist. One change: plotly.js 3.7 draws a horizontal colour bar
 * whose title has an explicit `side` ("bottom" in plots.shapImage) with a NaN path and logs two console errors,
 * so the side is dropped here (the title then sits above the bar, plotly's default); the SVG renderer and the
 * notebooks' static images keep it below.
 */
function draw(el: string, fig: Figure, fitWidth = false): Promise<unknown> {
  const data = fig.data.map((t) => {
    const bar = (t as { colorbar?: { orientation?: string; title?: { side?: string } } }).colorbar;
    if (bar?.orientation !== "h" || bar.title?.side === undefined) return t;
    const { side: _side, ...title } = bar.title;
    return { ...t, colorbar: { ...bar, title } };
  });
  // The side-by-side figures take their column's width (the specs' fixed width suits a notebook cell).
  const layout = fitWidth ? { ...fig.layout, width: undefined, autosize: true } : fig.layout;
  return Plotly.react($(el), data, layout, { responsive: true, displaylogo: false });
}

function say(text: string, isError = false): void {
  state.message = text;
  const m = $("message");
  m.textContent = text;
  m.className = isError ? "error" : "";
}

function decode(b64: string): Uint8Array {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

async function getJson<T>(url: string): Promise<T> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return (await r.json()) as T;
}

function fillTraces(): void {
  const index = state.index!;
  const station = ($("station") as HTMLSelectElement).value;
  const sel = $("trace") as HTMLSelectElement;
  sel.innerHTML = "";
  for (const t of index.traces.filter((t) => t.station === station)) sel.add(new Option(`${t.labelName}: ${t.traceName}`, t.id));
}

async function showTrace(c: Current): Promise<void> {
  cancel();
  state.current = c;
  state.last = null;
  $("prediction").textContent = "";
  $("timing").textContent = "";
  Plotly.purge($("shap"));
  await draw("waveform", waveform({ data: c.waveform, samplingRateHz: 100, channels: c.channels, pArrivalS: 5, title: c.title }), true);
  const img = c.image;
  await draw(
    "spectrogram",
    spectrogramChannels({
      values: img.data,
      freqsHz: img.freqsHz,
      timesS: img.timesS,
      channels: ["R = E", "G = N", "B = Z"],
      pArrivalS: img.pArrivalS,
      title: "The CNN's input: log spectrogram image, one channel per component",
      colorbarTitle: "Pixel value (0..255)",
    }),
    true,
  );
  predict();
}

/** Asks the worker for the current model's probabilities on the current image. */
function predict(): void {
  const c = state.current;
  if (!c || !worker || state.running) return;
  const model = state.index!.models.find((m) => m.name === ($("model") as HTMLSelectElement).value)!;
  requestId++;
  $("prediction").textContent = "Predicting…";
  const image = c.image.data.slice();
  worker.postMessage({ type: "predict", id: requestId, modelUrl: new URL(model.url, location.href).href, image }, [image.buffer]);
}

function showPrediction(probabilities: ArrayLike<number>): void {
  const predicted = probabilities[1] > probabilities[0] ? "aftershock" : "foreshock";
  $("prediction").textContent = `Prediction: ${predicted} (foreshock ${(100 * probabilities[0]).toFixed(1)} %, aftershock ${(100 * probabilities[1]).toFixed(1)} %)`;
}

async function loadTrace(id: string): Promise<void> {
  const t = state.index!.traces.find((x) => x.id === id)!;
  const j = await getJson<{ traceName: string; station: string; labelName: string; channels: string[]; waveformFloat32: string; imageUint8: string; pArrivalS: number; metadata?: TraceMetadata }>(t.url);
  const m = j.metadata;
  $("metadata").textContent = m
    ? `${m.source_magnitude_type} ${m.source_magnitude.toFixed(1)}, depth ${m.source_depth_km.toFixed(1)} km, ${m.distance_km.toFixed(1)} km from ${j.station}, origin ${m.source_origin_time} (${m.period} period)`
    : "";
  const w = decode(j.waveformFloat32);
  const axes = state.index!.axes;
  await showTrace({
    id,
    title: `${j.traceName} (${j.station}, ${j.labelName})`,
    waveform: new Float32Array(w.buffer, w.byteOffset, w.byteLength / 4),
    channels: j.channels,
    image: { data: decode(j.imageUint8), shape: [33, 153, 3], freqsHz: axes.freqsHz, timesS: axes.timesS, pArrivalS: axes.pArrivalS, traceName: j.traceName, labelName: j.labelName },
  });
}

// The worker: made once, and again after a cancel (terminating it is the only way to stop wasm mid-run).
let worker: Worker | null = null;
let requestId = 0;
let workerReady: Promise<void> = Promise.resolve();
/** When the current explanation was sent, for the progress line's time left. */
let runStartMs = 0;
function startWorker(): void {
  worker = new Worker("worker.js");
  workerReady = new Promise((resolve, reject) => {
    worker!.addEventListener("message", function first(ev: MessageEvent<WorkerMessage>) {
      if (ev.data.type === "ready") resolve();
      else if (ev.data.type === "error" && ev.data.id === -1) reject(new Error(ev.data.message));
      else return;
      worker!.removeEventListener("message", first);
    });
  });
  worker.addEventListener("message", (ev: MessageEvent<WorkerMessage>) => onWorker(ev.data));
}

function onWorker(m: WorkerMessage): void {
  if (m.type === "ready" || m.id !== requestId) return;
  if (m.type === "prediction") {
    showPrediction(m.probabilities);
  } else if (m.type === "progress") {
    ($("progress") as HTMLProgressElement).value = m.done / m.total;
    const elapsedS = (performance.now() - runStartMs) / 1000;
    const leftS = m.done > 0 ? (elapsedS * (m.total - m.done)) / m.done : NaN;
    $("progress-text").textContent = `${Math.round((100 * m.done) / m.total)} %${Number.isFinite(leftS) ? `, about ${leftS.toFixed(1)} s left` : ""}`;
  } else if (m.type === "error") {
    finish();
    say(`SHAP failed: ${m.message}`, true);
  } else if (m.type === "result") {
    finish();
    void showResult(m.explanation, m.probabilities, m.seconds);
  }
}

function finish(): void {
  state.running = false;
  $("progress-text").textContent = "";
  ($("explain") as HTMLButtonElement).disabled = false;
  ($("cancel") as HTMLButtonElement).disabled = true;
}

async function showResult(fields: ExplanationFields, probabilities: Float32Array, seconds: number): Promise<void> {
  const c = state.current!;
  const expl = new Explanation(fields);
  const model = ($("model") as HTMLSelectElement).value;
  const maxEvals = Number(($("max-evals") as HTMLInputElement).value);
  state.last = {
    id: c.id,
    model,
    maxEvals,
    values: Array.from(fields.values),
    baseValues: Array.from(fields.baseValues),
    modelOutputs: Array.from(fields.modelOutputs ?? []),
    probabilities: Array.from(probabilities),
    seconds,
  };
  showPrediction(probabilities);
  $("timing").textContent = `SHAP in ${seconds.toFixed(2)} s (max_evals ${maxEvals}, in a Web Worker)`;
  say("");
  await draw("shap", shapImage(expl, c.image));
}

async function explain(): Promise<void> {
  const c = state.current;
  if (!c || state.running) return;
  const maxEvals = Number(($("max-evals") as HTMLInputElement).value);
  if (!Number.isInteger(maxEvals) || maxEvals < 10 || maxEvals > 20000) {
    say(`max_evals must be an integer from 10 to 20000, got ${($("max-evals") as HTMLInputElement).value}`, true);
    return;
  }
  const model = state.index!.models.find((m) => m.name === ($("model") as HTMLSelectElement).value)!;
  state.running = true;
  ($("explain") as HTMLButtonElement).disabled = true;
  ($("cancel") as HTMLButtonElement).disabled = false;
  ($("progress") as HTMLProgressElement).value = 0;
  say("Explaining…");
  try {
    await workerReady;
  } catch (e) {
    finish();
    say(e instanceof Error ? e.message : String(e), true);
    return;
  }
  requestId++;
  runStartMs = performance.now();
  const image = c.image.data.slice();
  worker!.postMessage({ type: "explain", id: requestId, modelUrl: new URL(model.url, location.href).href, image, maxEvals }, [image.buffer]);
}

function cancel(): void {
  if (!state.running) return;
  worker?.terminate();
  requestId++;
  finish();
  ($("progress") as HTMLProgressElement).value = 0;
  say("Cancelled.");
  startWorker();
}

async function onFile(file: File): Promise<void> {
  try {
    const t = await readDroppedTrace(new Uint8Array(await file.arrayBuffer()), file.name);
    const img = t.image;
    $("metadata").textContent = "";
    await showTrace({
      id: `file:${file.name}`,
      title: `${file.name} (your trace)`,
      waveform: t.waveform,
      channels: ["E", "N", "Z"],
      image: { data: img.data, shape: [33, 153, 3], freqsHz: img.freqsHz, timesS: img.timesS, pArrivalS: 5, traceName: file.name },
    });
    say(`${file.name}: read; press Explain.`);
  } catch (e) {
    say(e instanceof Error ? e.message : String(e), true);
  }
}

async function showClassMaps(name: string): Promise<void> {
  const entry = state.index!.classMaps.find((m) => m.name === name);
  if (!entry) return;
  const j = await getJson<{ label: string; freqsHz: number[]; timesS: number[]; pArrivalS?: number; classes: { name: string | null; count: number; map: number[] }[] }>(entry.url);
  await draw("class-maps", classAveragedShapMap(j, { title: `${j.label}: mean normalised SHAP map of correctly classified test images` }));
}

async function main(): Promise<void> {
  const index = await getJson<SiteIndex>("data/index.json");
  state.index = index;
  $("description").textContent = index.description;
  const modelSel = $("model") as HTMLSelectElement;
  for (const m of index.models) modelSel.add(new Option(`${m.label}${m.accuracy === null ? "" : `, test accuracy ${m.accuracy.toFixed(3)}`}`, m.name));
  const stationSel = $("station") as HTMLSelectElement;
  for (const s of [...new Set(index.traces.map((t) => t.station))].sort()) stationSel.add(new Option(s, s));
  stationSel.value = stationSel.options[0]?.value ?? "";
  fillTraces();
  stationSel.addEventListener("change", () => {
    fillTraces();
    void loadTrace(($("trace") as HTMLSelectElement).value);
  });
  $("trace").addEventListener("change", () => void loadTrace(($("trace") as HTMLSelectElement).value));
  modelSel.addEventListener("change", () => {
    cancel();
    state.last = null;
    Plotly.purge($("shap"));
    $("timing").textContent = "";
    predict();
  });
  $("explain").addEventListener("click", () => void explain());
  $("cancel").addEventListener("click", cancel);
  const fileInput = $("file") as HTMLInputElement;
  fileInput.addEventListener("change", () => fileInput.files?.[0] && void onFile(fileInput.files[0]));
  const drop = $("drop");
  drop.addEventListener("dragover", (e) => e.preventDefault());
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    const f = e.dataTransfer?.files?.[0];
    if (f) void onFile(f);
  });
  const mapsSel = $("maps-model") as HTMLSelectElement;
  for (const m of index.classMaps) mapsSel.add(new Option(m.label, m.name));
  mapsSel.addEventListener("change", () => void showClassMaps(mapsSel.value));
  if (index.classMaps.length === 0) $("class-maps").textContent = "No class-averaged maps were shipped (run notebook 05, then npm run site).";
  for (const b of document.querySelectorAll<HTMLButtonElement>("nav button")) {
    b.addEventListener("click", () => {
      for (const v of document.querySelectorAll<HTMLElement>(".view")) v.hidden = v.id !== b.dataset.view;
      if (b.dataset.view === "maps-view" && index.classMaps.length > 0) void showClassMaps(mapsSel.value);
    });
  }
  startWorker();
  if (index.traces.length > 0) await loadTrace(($("trace") as HTMLSelectElement).value);
  document.body.dataset.ready = "true";
}

main().catch((e) => say(`The explorer could not start: ${e instanceof Error ? e.message : String(e)}`, true));
