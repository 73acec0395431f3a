/**
 * The committed notebooks are clean (scripts/clean-notebooks.mjs: no execution counts or volatile metadata,
 * outputs kept), and the cleaning itself does what it says.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const ROOT = path.resolve(__dirname, "..");
const SCRIPT = path.join(ROOT, "scripts", "clean-notebooks.mjs");
const CHECK = path.join(ROOT, "scripts", "check-notebooks.mjs");

/** A minimal notebook: setup, config, then the given code cells. */
function notebookWith(...cells: string[]): string {
  const code = (source: string, i: number) => ({ cell_type: "code", id: `c${i}`, metadata: {}, source: [source], outputs: [], execution_count: null });
  const sources = ['import { setupNotebook } from "./lib/index";\nconst nb = await setupNotebook();', "const study = studySettings(nb);", ...cells];
  return JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: { kernelspec: { name: "tslab" } }, cells: sources.map(code) });
}

test("the notebooks carry no execution counts or volatile metadata (npm run nb:clean)", () => {
  const run = spawnSync(process.execPath, [SCRIPT, "--check"], { cwd: ROOT, encoding: "utf8" });
  assert.equal(run.status, 0, `${run.stdout}${run.stderr}`);
});

test("cleanNotebook drops counts, editor state, transient ids and foreign metadata, and keeps outputs", async () => {
  const { cleanNotebook, formatNotebook } = (await import(SCRIPT)) as {
    cleanNotebook: (nb: unknown) => any;
    formatNotebook: (nb: unknown) => string;
  };
  const nb = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "tslab" }, language_info: { name: "typescript" }, widgets: { state: 1 } },
    cells: [
      { cell_type: "markdown", id: "a", metadata: { collapsed: true }, source: ["# Title"] },
      {
        cell_type: "code",
        id: "b",
        execution_count: 7,
        metadata: { tags: ["nbval-ignore-output"], execution: { "iopub.status.busy": "2026-11-24" }, scrolled: true },
        outputs: [
          { output_type: "execute_result", execution_count: 7, data: { "text/plain": "42" }, metadata: {} },
          { output_type: "display_data", data: { "image/svg+xml": "<svg/>" }, metadata: {}, transient: { display_id: "x" } },
        ],
        source: ["1 + 41"],
      },
    ],
  };
  const clean = cleanNotebook(nb);
  assert.deepEqual(clean.metadata, { kernelspec: { name: "tslab" }, language_info: { name: "typescript" } });
  assert.deepEqual(clean.cells[0].metadata, {});
  assert.equal(clean.cells[1].execution_count, null);
  assert.deepEqual(clean.cells[1].metadata, { tags: ["nbval-ignore-output"] });
  assert.equal(clean.cells[1].outputs[0].execution_count, null);
  assert.equal(clean.cells[1].outputs[0].data["text/plain"], "42");
  assert.equal("transient" in clean.cells[1].outputs[1], false);
  assert.equal(clean.cells[1].outputs[1].data["image/svg+xml"], "<svg/>");
  assert.equal(nb.cells[1].execution_count, 7, "the input is not modified");
  assert.equal(formatNotebook(cleanNotebook(clean)), formatNotebook(clean), "cleaning is idempotent");
});

test("the committed notebooks pass the structure lint (npm run nb:check)", () => {
  const run = spawnSync(process.execPath, [CHECK], { cwd: ROOT, encoding: "utf8" });
  assert.equal(run.status, 0, `${run.stdout}${run.stderr}`);
});

test("the lint flags long lines, long cells, index arithmetic and results unpacked by hand", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nb-check-"));
  try {
    const lint = (...cells: string[]) => {
      fs.writeFileSync(path.join(dir, "01-test.ipynb"), notebookWith(...cells));
      return spawnSync(process.execPath, [CHECK, "--dir", dir], { encoding: "utf8" });
    };
    assert.equal(lint("nb.show(plots.shapImage(expl, test.image(0)));").status, 0);
    const cases: [string, RegExp][] = [
      [`const t = "${"x".repeat(120)}";`, /line 1: 133 characters \(at most 120/],
      ["const a = 1;\nconst b = 2;\nconst c = 3;", /3 lines \(at most 2: one idea per cell\)/],
      ["const one = test.images.subarray(i * 15147, (i + 1) * 15147);", /index arithmetic in subarray\/slice/],
      ["const v = tab.values[i * 6 + 2];", /index arithmetic in brackets/],
      ["const next = rows[i + 1];", /offset indexing/],
      ["nb.table(rows.map((r) => ({ a: r.a })));", /results unpacked into new objects/],
    ];
    for (const [cell, message] of cases) {
      const run = lint(cell);
      assert.equal(run.status, 1, `not flagged: ${cell}`);
      assert.match(run.stderr, message);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("cleanNotebook drops a live session's interactive parts: the plotly.js loader and the figures' HTML, not their PNG", async () => {
  const { cleanNotebook } = (await import(SCRIPT)) as { cleanNotebook: (nb: unknown) => any };
  const nb = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [
      {
        cell_type: "code",
        id: "s",
        execution_count: 1,
        metadata: {},
        source: ["setup"],
        outputs: [
          { output_type: "stream", name: "stdout", text: "seismic-xai: seed 42\n" },
          { output_type: "display_data", data: { "text/html": "<script>plotly</script>", "text/plain": "plotly.js" }, metadata: { "seismic-xai": { plotly: "3.7.0" } } },
        ],
      },
      {
        cell_type: "code",
        id: "f",
        execution_count: 2,
        metadata: {},
        source: ["nb.show(fig)"],
        outputs: [
          {
            output_type: "display_data",
            data: { "text/html": "<div>…</div>", "image/png": "iVBOR", "text/plain": "<Figure>" },
            metadata: { "image/png": { width: 900, height: 500 }, "seismic-xai": { figure: "Fig" } },
          },
          { output_type: "display_data", data: { "text/html": "<table></table>", "text/plain": "t" }, metadata: {} },
        ],
      },
    ],
  };
  const clean = cleanNotebook(nb);
  assert.deepEqual(clean.cells[0].outputs.map((o: any) => o.output_type), ["stream"]);
  assert.deepEqual(Object.keys(clean.cells[1].outputs[0].data).sort(), ["image/png", "text/plain"]);
  assert.deepEqual(clean.cells[1].outputs[0].metadata["image/png"], { width: 900, height: 500 });
  assert.equal(clean.cells[1].outputs[1].data["text/html"], "<table></table>", "a table keeps its HTML");
});

/** Every output of the committed notebooks, with where it is. */
function committedOutputs(): Array<{ where: string; output: any }> {
  const dir = path.join(ROOT, "notebooks");
  const out: Array<{ where: string; output: any }> = [];
  for (const f of fs.readdirSync(dir).filter((n) => /^\d\d-.*\.ipynb$/.test(n)).sort()) {
    const nb = JSON.parse(fs.readFileSync(path.join(dir, f), "utf8"));
    nb.cells.forEach((c: any, i: number) => (c.outputs ?? []).forEach((o: any) => out.push({ where: `${f} cell ${i}`, output: o })));
  }
  return out;
}

test("committed figures show untrusted: a PNG in every figure output, never SVG- or HTML-only (JupyterLab drops both)", () => {
  let figures = 0;
  for (const { where, output } of committedOutputs()) {
    const data = output.data ?? {};
    if (!("image/svg+xml" in data || "image/png" in data || output.metadata?.["seismic-xai"]?.figure)) continue;
    figures++;
    assert.ok(typeof data["image/png"] === "string" && data["image/png"].length > 100, `${where}: a figure without image/png`);
    assert.ok(!("text/html" in data), `${where}: a figure with text/html (shown instead of the PNG, blank when untrusted)`);
    assert.ok(output.metadata?.["image/png"]?.width > 0, `${where}: the PNG has no display width (it is rendered at 2x)`);
  }
  assert.ok(figures >= 19, `only ${figures} figure outputs in the committed notebooks`);
});

test("committed outputs hold no tf.js banner, no absolute path, one output per table, and no plotly.js copy", () => {
  const absolute = /(^|[\s"'(=:])\/(home|work|root|tmp|Users|mnt|opt|var|srv)\/[^\s"')]*/;
  for (const { where, output } of committedOutputs()) {
    const data = output.data ?? {};
    const text = [output.text ?? "", data["text/plain"] ?? "", data["text/html"] ?? ""].flat().join("\n");
    assert.ok(!text.includes("Hi, looks like you are running TensorFlow.js"), `${where}: tf.js banner`);
    const m = absolute.exec(text);
    assert.equal(m, null, `${where}: absolute path ${m?.[0]}`);
    assert.ok(!output.metadata?.["seismic-xai"]?.plotly, `${where}: the plotly.js loader (a live session's output) is committed`);
    if (output.output_type === "display_data" && Object.keys(data).length === 1 && typeof data["text/plain"] === "string") {
      assert.ok(!/\t/.test(data["text/plain"]), `${where}: a table's plain-text twin as a separate output`);
    }
  }
});
