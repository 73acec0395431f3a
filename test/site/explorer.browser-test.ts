/**
 * `npm run test:site`: the explorer in a real browser (Debian's Chromium through playwright-core). Builds the
 * site from the quick preset's models (training them if the cache has none), serves it on 127.0.0.1, picks a
 * trace, waits for the SHAP map, and compares the browser's values with the library's in Node on the same model
 * and image (to 1e-6); cancels a run; drops a bad .npy and a NaN .npy and reads the messages; and fails on any
 * console error or page error. Not part of `npm test` (it needs a browser and trained models): .ci/run runs it
 * after the quick reproduce.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import type { Server } from "node:http";
import { chromium, type Browser, type Page } from "playwright-core";
import { loadCnn } from "../../lib/cnn/io";
import { cnnModelFn } from "../../lib/cnn/model-fn";
import { createCnnShapExplainer } from "../../lib/pipeline/cnn-shap-explainer";
import { buildSite } from "../../site/build";
import { portOf, serveSite } from "../../site/serve";
import { npyBytes } from "./npy-bytes";

const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
let server: Server;
let browser: Browser;
let page: Page;
let siteDir: string;
const problems: string[] = [];

interface LastResult {
  id: string;
  model: string;
  maxEvals: number;
  values: number[];
  baseValues: number[];
  modelOutputs: number[];
  probabilities: number[];
  seconds: number;
}

before(async () => {
  siteDir = fs.mkdtempSync(path.join(os.tmpdir(), "seismic-xai-site-"));
  fs.rmSync(siteDir, { recursive: true });
  await buildSite({ outDir: siteDir, preset: "quick" });
  server = await serveSite(siteDir, 0);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console error: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  await page.goto(`http://127.0.0.1:${portOf(server)}/`);
  await page.waitForSelector("body[data-ready=true]", { timeout: 60_000 });
});

after(async () => {
  await browser?.close();
  await new Promise((r) => server?.close(r));
  if (siteDir) fs.rmSync(siteDir, { recursive: true, force: true });
});

test("the page lists the shipped models, stations and traces and draws the waveform", async () => {
  const models = await page.$$eval("#model option", (o) => o.map((x) => x.getAttribute("value")));
  assert.deepEqual(models, ["nrca", "all-stations"]);
  const stations = await page.$$eval("#station option", (o) => o.length);
  assert.ok(stations >= 2, `expected several stations, got ${stations}`);
  assert.ok((await page.$$("#waveform .main-svg")).length > 0, "no waveform figure");
  assert.ok((await page.$$("#spectrogram .main-svg")).length > 0, "no spectrogram image figure");
  assert.match((await page.textContent("#metadata")) ?? "", /\d\.\d, depth \d+\.\d km, \d+\.\d km from [A-Z0-9]+, origin \d{4}-/);
  await page.waitForFunction(`/^Prediction: (foreshock|aftershock) \\(/.test(document.getElementById("prediction")?.textContent ?? "")`, undefined, { timeout: 60_000 });
});

test("SHAP in the browser equals the library's in Node to 1e-6 (NRCA model, max_evals 1000)", async () => {
  await page.selectOption("#model", "nrca");
  await page.fill("#max-evals", "1000");
  await page.click("#explain");
  await page.waitForFunction("window.explorer.last !== null", undefined, { timeout: 120_000 });
  const last = (await page.evaluate("window.explorer.last")) as LastResult;
  assert.ok((await page.$$("#shap .main-svg")).length > 0, "no SHAP figure");
  assert.match(await page.textContent("#prediction") ?? "", /foreshock \d+\.\d %, aftershock \d+\.\d %/);

  const trace = JSON.parse(fs.readFileSync(path.join(siteDir, "data", "traces", `${last.id}.json`), "utf8")) as { imageUint8: string };
  const image = Float32Array.from(Buffer.from(trace.imageUint8, "base64"));
  const model = await loadCnn(path.join(siteDir, "data", "models", "nrca"));
  const cnn = await createCnnShapExplainer(model, { workers: { model: 0, masker: 0 } });
  try {
    const e = await cnn.explainer.explain(image, 1, { maxEvals: 1000, batchSize: 50, outputs: 2 });
    assert.equal(last.values.length, e.values.length);
    let maxDiff = 0;
    for (let i = 0; i < e.values.length; i++) maxDiff = Math.max(maxDiff, Math.abs(e.values[i] - last.values[i]));
    for (let i = 0; i < e.baseValues.length; i++) maxDiff = Math.max(maxDiff, Math.abs(e.baseValues[i] - last.baseValues[i]));
    assert.ok(maxDiff <= 1e-6, `browser vs Node SHAP differ by ${maxDiff}`);
    assert.ok(e.values.some((v) => v !== 0), "all-zero SHAP values compare trivially");
    const probabilities = await cnnModelFn(model, { output: "probabilities" })(image, 1);
    for (let k = 0; k < 2; k++) assert.ok(Math.abs(probabilities[k] - last.probabilities[k]) <= 1e-6, `probability ${k}: ${last.probabilities[k]} vs Node's ${probabilities[k]}`);
    console.log(`browser vs Node: max |difference| ${maxDiff} over ${e.values.length} values; browser ${last.seconds.toFixed(2)} s`);
  } finally {
    await cnn.close();
    model.dispose();
  }
});

test("hovering over a SHAP map shows time in s, frequency in Hz and the value", async () => {
  const map = page.locator("#shap .nsewdrag").nth(1);
  const box = await map.boundingBox();
  assert.ok(box, "no SHAP map subplot");
  await map.hover({ position: { x: box.width * 0.4, y: box.height * 0.5 } });
  await page.waitForSelector("#shap .hovertext", { timeout: 5_000 });
  const text = (await page.textContent("#shap .hovertext")) ?? "";
  assert.match(text, /t = \d+\.\d\d s.*f = \d+\.\d\d Hz.*SHAP -?\d/);
});

test("cancel stops a run and the next run still works", async () => {
  await page.fill("#max-evals", "5000");
  await page.click("#explain");
  await page.waitForFunction(`/^\\d+ %, about \\d+\\.\\d s left$/.test(document.getElementById("progress-text")?.textContent ?? "")`, undefined, { timeout: 30_000 });
  await page.click("#cancel");
  assert.equal(await page.textContent("#message"), "Cancelled.");
  assert.equal(await page.isDisabled("#explain"), false);
  await page.fill("#max-evals", "200");
  await page.click("#explain");
  await page.waitForFunction("window.explorer.last?.maxEvals === 200", undefined, { timeout: 60_000 });
});

test("a dropped file of the wrong shape, with a NaN, or of strings gets a clear message", async () => {
  const drop = async (name: string, bytes: Uint8Array) => {
    await page.setInputFiles("#file", { name, mimeType: "application/octet-stream", buffer: Buffer.from(bytes) });
    await page.waitForFunction(`(document.getElementById("message")?.textContent ?? "").startsWith(${JSON.stringify(name)})`);
    return { text: await page.textContent("#message"), cls: await page.getAttribute("#message", "class") };
  };
  const transposed = await drop("transposed.npy", npyBytes(new Float64Array(7500), [2500, 3]));
  assert.equal(transposed.cls, "error");
  assert.match(transposed.text ?? "", /transposed\.npy: shape \(2500, 3\) is wrong \(transpose it: channels first\); expected a 3 x 2500 array/);
  const nan = new Float32Array(7500).fill(1);
  nan[2500 + 17] = NaN;
  assert.match((await drop("nan.npy", npyBytes(nan, [3, 2500]))).text ?? "", /nan\.npy: sample 17 of channel N is NaN/);
  assert.match((await drop("notes.txt", new Uint8Array([1, 2, 3]))).text ?? "", /notes\.txt: not a \.npy or \.npz file/);
  const good = new Float64Array(7500).map((_, i) => Math.sin(i / 7) * (1 + (i % 2500 > 500 ? 20 : 0)) + Math.cos(i / 3));
  assert.match((await drop("mine.npy", npyBytes(good, [3, 2500]))).text ?? "", /mine\.npy: read/);
  assert.ok((await page.$$("#waveform .main-svg")).length > 0);
});

test("the class-averaged maps view draws Fig. 3 from the shipped results", async () => {
  await page.click("nav button[data-view=maps-view]");
  await page.waitForSelector("#class-maps .main-svg", { timeout: 30_000 });
  await page.click("nav button[data-view=explain-view]");
});

test("no console error and no page error", () => {
  assert.deepEqual(problems, []);
});
