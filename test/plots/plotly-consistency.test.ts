/**
 * One figure, two renderings: the static image (our SVG renderer, lib/plots/svg.ts) and the interactive view
 * (plotly.js in the notebook) must show the same thing. Every figure case is drawn by plotly.js 3 in headless
 * Chromium (Debian's, through playwright-core) and compared with the static rendering: title, number of
 * traces, axis ranges and colour scales, for the spec as the notebook hands it to plotly.js (interactiveSpec).
 * Without Chromium the test skips with a message, except under CI=true where that is a failure.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { svgAxisRanges, toSvg } from "../../lib/plots/svg";
import { plainText } from "../../lib/plots/svg-text";
import { interactiveSpec } from "../../lib/notebook/show";
import { figureCases } from "./figure-cases";

const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

test("every figure spec drawn by plotly.js matches the static rendering: title, traces, axis ranges, colour scales", async (t) => {
  if (!fs.existsSync(CHROMIUM)) {
    if (process.env.CI === "true") assert.fail(`${CHROMIUM} is missing (CI=true: this test may not be skipped)`);
    t.skip(`${CHROMIUM} is absent: the plotly.js rendering is not checked`);
    return;
  }
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox"] });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    page.on("pageerror", (e) => errors.push(e.message));
    await page.setContent("<!doctype html><html><body><div id=gd></div></body></html>");
    await page.addScriptTag({ path: require.resolve("plotly.js-dist/plotly.js") });
    for (const [name, make] of Object.entries(figureCases())) {
      const figure = make();
      errors.length = 0;
      const drawn = await page.evaluate(async (fig: any) => {
        const w = globalThis as any;
        const gd = w.document.getElementById("gd");
        w.Plotly.purge(gd);
        await w.Plotly.newPlot(gd, fig.data, fig.layout);
        const fl = gd._fullLayout;
        const ranges: Record<string, [number, number]> = {};
        for (const key of Object.keys(fl)) {
          const m = /^([xy])axis(\d*)$/.exec(key);
          if (m && fl[key]._id) ranges[fl[key]._id] = [fl[key].range[0], fl[key].range[1]];
        }
        const scales = gd._fullData.map((tr: any) => tr.colorscale ?? tr.marker?.colorscale ?? null);
        return { title: fl.title?.text ?? "", nTraces: gd._fullData.length, ranges, scales, svgCount: gd.querySelectorAll(".main-svg").length };
      }, interactiveSpec(figure) as unknown);
      assert.deepEqual(errors, [], `${name}: plotly.js logged errors`);
      assert.ok(drawn.svgCount > 0, `${name}: plotly.js drew nothing`);
      const svg = toSvg(figure);
      // title: plotly.js' and the one in the static SVG
      assert.equal(drawn.title, figure.layout.title.text, `${name}: title`);
      if (figure.layout.title.text) assert.ok(svg.includes(plainText(figure.layout.title.text).split(" ")[0]), `${name}: the static image lacks the title`);
      assert.equal(drawn.nTraces, figure.data.length, `${name}: number of traces`);
      // axis ranges: every axis the static renderer draws, as plotly.js shows it in the notebook
      // (interactiveSpec writes the static ranges out: plotly.js' autorange pads lines, ours does not)
      const statics = svgAxisRanges(figure);
      for (const [id, [lo, hi]] of Object.entries(statics)) {
        const p = drawn.ranges[id];
        assert.ok(p, `${name}: plotly.js has no axis ${id}`);
        const span = Math.abs(hi - lo) || 1;
        const tol = 1e-9 * span;
        assert.ok(Math.abs(p[0] - lo) <= tol && Math.abs(p[1] - hi) <= tol, `${name}: axis ${id} range plotly.js [${p}] vs static [${lo}, ${hi}]`);
      }
      // colour scales: plotly.js uses exactly the scale of the spec (the static renderer draws from the spec)
      figure.data.forEach((tr: any, i) => {
        const own = tr.colorscale ?? tr.marker?.colorscale;
        if (own) assert.deepEqual(drawn.scales[i], own, `${name}: trace ${i} colour scale`);
      });
    }
  } finally {
    await browser.close();
  }
});
