/**
 * `npm run site:screenshot`: the README's picture of the explorer, figures/explorer.png. Serves site/dist
 * (run `npm run site` first) on 127.0.0.1, explains the first NRCA trace at max_evals 1000 in headless Chromium
 * (Debian's /usr/bin/chromium, or $CHROMIUM), hovers over the SHAP map so the hover label shows, and saves the
 * page.
 */
import fs from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";
import { portOf, serveSite } from "./serve";

async function main(): Promise<void> {
  const root = path.join(__dirname, "dist");
  if (!fs.existsSync(path.join(root, "index.html"))) throw new Error(`${root} has no site yet: run \`npm run site\` first`);
  const out = path.join(__dirname, "..", "figures", "explorer.png");
  const server = await serveSite(root, 0);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: ["--no-sandbox"] });
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 }, deviceScaleFactor: 1 });
    await page.goto(`http://127.0.0.1:${portOf(server)}/`);
    await page.waitForSelector("body[data-ready=true]", { timeout: 60_000 });
    const stations = await page.$$eval("#station option", (o) => o.map((x) => x.getAttribute("value") ?? ""));
    if (stations.includes("NRCA")) await page.selectOption("#station", "NRCA");
    await page.waitForTimeout(500);
    await page.click("#explain");
    await page.waitForFunction("window.explorer.last !== null", undefined, { timeout: 120_000 });
    await page.waitForTimeout(500);
    // The drag layer holds one rectangle per subplot: image, then the two SHAP maps.
    const map = page.locator("#shap .nsewdrag").nth(1);
    const box = await map.boundingBox();
    if (box) await map.hover({ position: { x: box.width * 0.3, y: box.height * 0.35 } });
    await page.waitForTimeout(300);
    const tmp = `${out}.tmp`;
    await page.screenshot({ path: tmp, fullPage: true, type: "png" });
    fs.renameSync(tmp, out);
    console.error(`site:screenshot: ${path.relative(process.cwd(), out)}`);
  } finally {
    await browser.close();
    server.close();
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
