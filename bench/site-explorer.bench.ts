/**
 * The explorer's SHAP speed (issue 17's target: at most 3 s per image at max_evals 1000 in headless Chromium):
 * serves site/dist (`npm run site` first), explains N_IMAGES shipped traces one after the other in Debian's
 * Chromium (the page's Web Worker: tf.js wasm + lib's Partition explainer and Telea kernel) and reports the
 * worker's seconds per image (model loading excluded; the first image, which also compiles the wasm, apart),
 * then the same images in Node on the calling thread (createCnnShapExplainer with workers 0/0, the same
 * arrangement), and their largest difference.
 */
import fs from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";
import { loadCnn } from "../lib/cnn/io";
import { initBackend } from "../lib/cnn/backend";
import { createCnnShapExplainer } from "../lib/pipeline/cnn-shap-explainer";
import { portOf, serveSite } from "../site/serve";

const N_IMAGES = Number(process.env.N_IMAGES ?? 7);
const MAX_EVALS = 1000;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function main(): Promise<void> {
  const root = path.join(__dirname, "..", "site", "dist");
  if (!fs.existsSync(path.join(root, "index.html"))) throw new Error(`${root} has no site: run \`npm run site\` first`);
  const index = JSON.parse(fs.readFileSync(path.join(root, "data", "index.json"), "utf8")) as { preset: string; traces: { id: string; station: string }[] };
  const server = await serveSite(root, 0);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: ["--no-sandbox"] });
  const browserS: number[] = [];
  const values: { id: string; values: number[] }[] = [];
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${portOf(server)}/`);
    await page.waitForSelector("body[data-ready=true]", { timeout: 60_000 });
    await page.selectOption("#model", "nrca");
    const traces = index.traces.slice(0, N_IMAGES);
    for (const t of traces) {
      await page.selectOption("#station", t.station);
      await page.selectOption("#trace", t.id);
      await page.waitForFunction(`window.explorer.current?.id === ${JSON.stringify(t.id)}`);
      await page.click("#explain");
      await page.waitForFunction(`window.explorer.last?.id === ${JSON.stringify(t.id)}`, undefined, { timeout: 120_000 });
      const last = (await page.evaluate("window.explorer.last")) as { seconds: number; values: number[] };
      browserS.push(last.seconds);
      values.push({ id: t.id, values: last.values });
      console.log(`  browser ${t.id}: ${last.seconds.toFixed(2)} s`);
    }
  } finally {
    await browser.close();
    server.close();
  }

  await initBackend({ prefer: "wasm", log: false });
  const model = await loadCnn(path.join(root, "data", "models", "nrca"));
  const cnn = await createCnnShapExplainer(model, { workers: { model: 0, masker: 0 } });
  const nodeS: number[] = [];
  let maxDiff = 0;
  for (const v of values) {
    const trace = JSON.parse(fs.readFileSync(path.join(root, "data", "traces", `${v.id}.json`), "utf8")) as { imageUint8: string };
    const image = Float32Array.from(Buffer.from(trace.imageUint8, "base64"));
    const t0 = performance.now();
    const e = await cnn.explainer.explain(image, 1, { maxEvals: MAX_EVALS, batchSize: 50, outputs: 2 });
    nodeS.push((performance.now() - t0) / 1000);
    for (let i = 0; i < e.values.length; i++) maxDiff = Math.max(maxDiff, Math.abs(e.values[i] - v.values[i]));
  }
  await cnn.close();
  model.dispose();
  const warm = browserS.slice(1);
  console.log(`site (${index.preset} models), max_evals ${MAX_EVALS}, ${browserS.length} images:`);
  console.log(`  Chromium Web Worker: median ${median(warm).toFixed(2)} s/image after the first (first ${browserS[0].toFixed(2)} s; target <= 3 s: ${median(warm) <= 3 ? "met" : "NOT met"})`);
  console.log(`  Node, calling thread (same arrangement): median ${median(nodeS.slice(1)).toFixed(2)} s/image`);
  console.log(`  largest |browser - Node| SHAP value: ${maxDiff}`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
