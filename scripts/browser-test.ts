/**
 * `npm run test:browser`: the notebooks as a course participant meets them, in JupyterLab 4 or, where there is
 * none, Debian's classic Notebook 6 (apt-get install jupyter-notebook), driven by headless Chromium. Starts the
 * Jupyter server on 127.0.0.1 with its own empty Jupyter folders (so nothing is trusted and no user setting
 * interferes), registers the kernel with the README's command (`npm run kernel`), opens the notebooks in
 * Debian's Chromium through playwright-core (no downloaded browser) and checks:
 *  1. committed (untrusted) notebooks: every figure output of the file shows as an image in the page;
 *  2. after Run All (QUICK=1): no error output, every figure is drawn by plotly.js and shows a hover label
 *     with the mouse over its data, every table appears once, no output has tf.js' banner or an absolute
 *     path, and the browser console has no error;
 *  and that the committed notebook files are byte for byte the same afterwards (no autosave of the test's run).
 * The two UIs share every check; they differ only in how the page exposes cells and outputs and how Run All
 * is triggered (`Ui` below). Screenshots go to test-results/browser/ (git-ignored; classic Notebook's are
 * prefixed "classic-"). A missing Jupyter or Chromium is a clear failure naming what is missing and how to
 * install it, never a hang (every wait has a deadline).
 *
 * Usage: tsx scripts/browser-test.ts [--lab | --notebook] [--committed-only] [--run-only] [name-filter ...]
 *   --lab / --notebook (or JUPYTER_UI=lab / notebook) force one UI; by default JupyterLab 4 when one is found
 *   (JUPYTER, .cache/jupyterlab, PATH), else the classic Notebook 6 (jupyter-notebook, or `$JUPYTER notebook`);
 *   check 1 covers all nine notebooks; name filters pick the notebooks check 2 runs (default "04" and "08")
 * Environment: JUPYTER (the `jupyter` command to use; default: the one on PATH), JUPYTER_UI, CHROMIUM (default
 * /usr/bin/chromium), BROWSER_TEST_RUN_TIMEOUT_S (per notebook Run All, default 900).
 */
import { spawn, spawnSync, ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";

// Page-side globals of the functions run in the browser (declared here, not through lib "dom", which would
// let DOM types leak into lib/ code that runs under Node).
declare const document: any;
declare const window: any;
type HTMLImageElement = { complete: boolean; naturalWidth: number };

const ROOT = path.resolve(__dirname, "..");
const NB_DIR = path.join(ROOT, "notebooks");
const SHOTS = path.join(ROOT, "test-results", "browser");
const BANNER = "Hi, looks like you are running TensorFlow.js";

const failures: string[] = [];
function fail(what: string): void {
  failures.push(what);
  console.error(`  FAIL ${what}`);
}
function note(line: string): void {
  console.error(line);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | null | undefined | false>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${(timeoutMs / 1000).toFixed(0)} s`);
    await sleep(250);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** The Jupyter front end a run drives. */
type UiKind = "lab" | "notebook";

/** A Jupyter server command: `command ...args` starts it, with the server options appended. */
interface JupyterCommand {
  kind: UiKind;
  command: string;
  args: string[];
  version: string;
}

const INSTALL_LAB = "python3 -m venv .cache/jupyterlab && .cache/jupyterlab/bin/pip install jupyterlab";
const INSTALL_NOTEBOOK = "sudo apt-get install jupyter-notebook";

function versionOf(command: string, args: string[]): string | null {
  const r = spawnSync(command, [...args, "--version"], { encoding: "utf8" });
  return r.status === 0 ? (r.stdout.trim().split("\n").pop() ?? "") : null;
}

/** JupyterLab 4: JUPYTER, then the README's venv, then PATH; or why there is none. */
function findJupyterLab(): JupyterCommand | string {
  const venv = path.join(ROOT, ".cache", "jupyterlab", "bin", "jupyter");
  const candidates = [process.env.JUPYTER, fs.existsSync(venv) ? venv : null, "jupyter"].filter((c): c is string => !!c);
  for (const command of candidates) {
    const version = versionOf(command, ["lab"]);
    if (version === null) continue;
    if (!/^4\./.test(version)) return `${command} lab is version ${version}; the browser test drives JupyterLab 4`;
    return { kind: "lab", command, args: ["lab"], version };
  }
  return `no \`jupyter lab\` on PATH, in .cache/jupyterlab${process.env.JUPYTER ? ` nor at JUPYTER=${process.env.JUPYTER}` : ""}`;
}

/** The classic Notebook 6 (Debian's jupyter-notebook): `$JUPYTER notebook`, jupyter-notebook on PATH, /usr/bin; or why there is none. */
function findClassicNotebook(): JupyterCommand | string {
  const candidates: Array<[string, string[]]> = [];
  if (process.env.JUPYTER) candidates.push([process.env.JUPYTER, ["notebook"]]);
  candidates.push(["jupyter-notebook", []], ["/usr/bin/jupyter-notebook", []]);
  const others: string[] = [];
  for (const [command, args] of candidates) {
    const version = versionOf(command, args);
    if (version === null) continue;
    if (/^6\./.test(version)) return { kind: "notebook", command, args, version };
    others.push(`${[command, ...args].join(" ")} is version ${version}`);
  }
  return `no classic Notebook 6 (jupyter-notebook)${others.length ? `: ${others.join("; ")}` : ""}`;
}

/**
 * The Jupyter to drive: the one forced by --lab / --notebook (or JUPYTER_UI), else JupyterLab 4 when there is
 * one, else the classic Notebook; a clear error naming what is missing and how to install it.
 */
function findJupyter(forced: UiKind | null): JupyterCommand {
  const lab = forced === "notebook" ? null : findJupyterLab();
  if (lab !== null && typeof lab !== "string") return lab;
  if (forced === "lab") throw new Error(`JupyterLab is missing (${lab}). Install it as the README says (${INSTALL_LAB}), or run with --notebook for the classic Notebook.`);
  const classic = findClassicNotebook();
  if (typeof classic !== "string") return classic;
  if (forced === "notebook") throw new Error(`the classic Notebook is missing (${classic}). Install Debian's: ${INSTALL_NOTEBOOK}`);
  throw new Error(`Jupyter is missing: ${lab}, and ${classic}. Install one as the README says: JupyterLab (${INSTALL_LAB}) or Debian's classic Notebook (${INSTALL_NOTEBOOK}).`);
}

function findChromium(): string {
  const exe = process.env.CHROMIUM ?? "/usr/bin/chromium";
  if (!fs.existsSync(exe)) throw new Error(`Chromium is missing: ${exe} does not exist (apt-get install chromium, or set CHROMIUM to a Chromium binary)`);
  return exe;
}

interface Server {
  url: string;
  token: string;
  proc: ChildProcess;
  log: () => string;
}

/**
 * The Jupyter server with private Jupyter folders: no trusted notebooks, no autosave, every cell in the page.
 * The kernel is registered by the README's command into those folders.
 */
async function startJupyter(jupyter: JupyterCommand, home: string): Promise<Server> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    QUICK: "1",
    JUPYTER_DATA_DIR: path.join(home, "data"),
    JUPYTER_CONFIG_DIR: path.join(home, "config"),
    JUPYTER_RUNTIME_DIR: path.join(home, "runtime"),
    JUPYTER_PLATFORM_DIRS: "1",
  };
  delete env.SEISMIC_XAI_FIGURES;
  // the README's command registers the kernel
  const reg = spawnSync("npm", ["run", "--silent", "kernel"], { cwd: ROOT, env, encoding: "utf8" });
  if (reg.error) throw new Error(`npm run kernel could not start (${reg.error.message}): is npm on PATH?`);
  if (reg.status !== 0) throw new Error(`npm run kernel failed:\n${reg.stdout}${reg.stderr}`);
  const port = await freePort();
  const token = crypto.randomBytes(16).toString("hex");
  const common = ["--no-browser", "--ip=127.0.0.1", `--port=${port}`, ...(process.getuid?.() === 0 ? ["--allow-root"] : [])]; // CI containers run as root
  let options: string[];
  if (jupyter.kind === "lab") {
    const settings = path.join(home, "settings");
    const write = (rel: string, value: object) => {
      fs.mkdirSync(path.dirname(path.join(settings, rel)), { recursive: true });
      fs.writeFileSync(path.join(settings, rel), JSON.stringify(value));
    };
    // Autosave would write the test's run into the committed notebooks; windowing would leave cells out of the page.
    write("@jupyterlab/docmanager-extension/plugin.jupyterlab-settings", { autosave: false });
    write("@jupyterlab/notebook-extension/tracker.jupyterlab-settings", { windowingMode: "none" });
    write("@jupyterlab/apputils-extension/notification.jupyterlab-settings", { fetchNews: "false", checkForUpdates: false });
    options = [
      `--IdentityProvider.token=${token}`,
      `--ServerApp.root_dir=${ROOT}`,
      `--LabApp.user_settings_dir=${settings}`,
      `--LabApp.workspaces_dir=${path.join(home, "workspaces")}`,
      "--LabApp.expose_app_in_browser=True",
    ];
  } else {
    // classic Notebook 6: its autosave is turned off in the page once a notebook is loaded (ClassicUi.afterOpen)
    options = [`--NotebookApp.token=${token}`, `--NotebookApp.notebook_dir=${ROOT}`];
  }
  const proc = spawn(jupyter.command, [...jupyter.args, ...common, ...options], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  proc.stdout!.on("data", (d) => (log += d));
  proc.stderr!.on("data", (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  await until(`${uiName(jupyter.kind)} answering on ${url}`, 90000, async () => {
    if (proc.exitCode !== null) throw new Error(`${[jupyter.command, ...jupyter.args].join(" ")} exited with ${proc.exitCode}:\n${log.slice(-3000)}`);
    try {
      const r = await fetch(`${url}/api/status?token=${token}`);
      return r.ok;
    } catch {
      return false;
    }
  });
  return { url, token, proc, log: () => log };
}

function uiName(kind: UiKind): string {
  return kind === "lab" ? "JupyterLab" : "classic Notebook";
}

/** One output of a code cell, as nbformat has it, with the index of its cell among all cells. */
interface CellOutput {
  cell: number;
  type: string;
  name?: string;
  data?: Record<string, unknown>;
  text?: string;
  metadata?: any;
  evalue?: string;
}

/**
 * What differs between JupyterLab and the classic Notebook: where a notebook opens, how the page exposes its
 * cells, outputs and kernel, and how Run All is triggered. Every check is written once, against this.
 * The `page.evaluate` callbacks run in the browser.
 */
interface Ui {
  kind: UiKind;
  /** Prefix of screenshot names. */
  shotPrefix: string;
  /** The element of one rendered output (its images and tables are searched under it). */
  output: string;
  url(server: Server, name: string): string;
  /** The notebook's cells are in the page. */
  shown(page: Page): Promise<boolean>;
  /** "idle" once the kernel has started, "error" when it could not start, null while waiting. */
  kernel(page: Page): Promise<"idle" | "error" | null>;
  /** Settles the page for the test once the kernel is idle. */
  afterOpen(page: Page): Promise<void>;
  /** Whether any code cell (its outputs) is trusted. */
  trusted(page: Page): Promise<boolean>;
  runAll(page: Page): Promise<void>;
  /** "error" as soon as an output is an error, "done" when every code cell has run and the kernel is idle. */
  runState(page: Page): Promise<"done" | "error" | null>;
  outputs(page: Page): Promise<CellOutput[]>;
}

const labUi: Ui = {
  kind: "lab",
  shotPrefix: "",
  output: ".jp-OutputArea-output",
  url: (server, name) => `${server.url}/lab/tree/notebooks/${name}?token=${server.token}&reset`,
  shown: (page) => page.evaluate(() => document.querySelectorAll(".jp-Notebook .jp-Cell").length > 0),
  kernel: (page) =>
    page.evaluate(() => {
      const w = (window as any).jupyterapp?.shell?.currentWidget;
      if (document.querySelector(".jp-Dialog")?.textContent?.includes("Error Starting Kernel")) return "error";
      return w?.sessionContext?.session?.kernel?.status === "idle" ? "idle" : null;
    }),
  afterOpen: async () => undefined,
  trusted: (page) =>
    page.evaluate(() => {
      const cells = (window as any).jupyterapp.shell.currentWidget.content.model.cells;
      for (let i = 0; i < cells.length; i++) if (cells.get(i).type === "code" && cells.get(i).trusted) return true;
      return false;
    }),
  runAll: (page) => page.evaluate(() => (window as any).jupyterapp.commands.execute("notebook:run-all-cells")),
  runState: (page) =>
    page.evaluate(() => {
      const w = (window as any).jupyterapp.shell.currentWidget;
      const cells = w.content.model.cells;
      let done = true;
      for (let i = 0; i < cells.length; i++) {
        const c = cells.get(i);
        if (c.type !== "code") continue;
        const hasError = c.outputs.toJSON().some((o: any) => o.output_type === "error");
        if (hasError) return "error";
        if (c.executionCount === null || c.executionState === "running") done = false;
      }
      return done && w.sessionContext.session.kernel.status === "idle" && !document.querySelector(".jp-InputArea-prompt")?.textContent?.includes("*") ? "done" : null;
    }),
  outputs: (page) =>
    page.evaluate(() => {
      const cells = (window as any).jupyterapp.shell.currentWidget.content.model.cells;
      const out: any[] = [];
      for (let i = 0; i < cells.length; i++) {
        const c = cells.get(i);
        if (c.type !== "code") continue;
        for (const o of c.outputs.toJSON()) out.push({ cell: i, type: o.output_type, name: o.name, data: o.data, text: o.text, metadata: o.metadata, evalue: o.evalue });
      }
      return out;
    }),
};

/** Classic Notebook 6: its page exposes `window.Jupyter.notebook` (notebook/static/notebook/js). */
const classicUi: Ui = {
  kind: "notebook",
  shotPrefix: "classic-",
  output: ".output_subarea",
  url: (server, name) => `${server.url}/notebooks/notebooks/${name}?token=${server.token}`,
  shown: (page) => page.evaluate(() => !!(window as any).Jupyter?.notebook?._fully_loaded && document.querySelectorAll("#notebook-container .cell").length > 0),
  kernel: (page) =>
    page.evaluate(() => {
      const nb = (window as any).Jupyter?.notebook;
      const dialog = document.querySelector(".modal-dialog")?.textContent ?? "";
      if (/Failed to start the kernel|Kernel not found/.test(dialog) || document.querySelector("#kernel_indicator_icon.kernel_dead_icon")) return "error";
      return nb?.kernel?.is_connected() && !nb.kernel_busy && document.querySelector("#kernel_indicator_icon.kernel_idle_icon") ? "idle" : null;
    }),
  // Notebook 6 starts a 2-minute autosave when the notebook has loaded (main.js); the test's run must not be saved
  afterOpen: async (page) => {
    const interval = await page.evaluate(() => {
      (window as any).Jupyter.notebook.set_autosave_interval(0);
      return (window as any).Jupyter.notebook.autosave_interval;
    });
    if (interval !== 0) throw new Error(`classic Notebook: autosave still on (${interval} ms)`);
  },
  trusted: (page) => page.evaluate(() => (window as any).Jupyter.notebook.trusted === true),
  runAll: (page) => page.evaluate(() => (window as any).Jupyter.notebook.execute_all_cells()),
  runState: (page) =>
    page.evaluate(() => {
      const nb = (window as any).Jupyter.notebook;
      let done = true;
      for (const c of nb.get_cells()) {
        if (c.cell_type !== "code") continue;
        if (c.output_area.outputs.some((o: any) => o.output_type === "error")) return "error";
        if (c.get_text().trim() === "") continue;
        if (typeof c.input_prompt_number !== "number" || c.element.hasClass("running")) done = false;
      }
      return done && !nb.kernel_busy ? "done" : null;
    }),
  outputs: (page) =>
    page.evaluate(() => {
      const out: any[] = [];
      (window as any).Jupyter.notebook.get_cells().forEach((c: any, i: number) => {
        if (c.cell_type !== "code") return;
        for (const o of c.output_area.outputs) out.push({ cell: i, type: o.output_type, name: o.name, data: o.data, text: o.text, metadata: o.metadata, evalue: o.evalue });
      });
      return out;
    }),
};

/** What the notebook file holds: per code cell, its outputs' kinds. */
function fileFigures(file: string): { figures: number; tables: number } {
  const nb = JSON.parse(fs.readFileSync(file, "utf8"));
  let figures = 0;
  let tables = 0;
  for (const c of nb.cells) {
    for (const o of c.outputs ?? []) {
      if (o.data?.["image/png"] || o.data?.["image/svg+xml"]) figures++;
      if (typeof o.data?.["text/html"] === "string" && o.data["text/html"].includes("<table")) tables++;
    }
  }
  return { figures, tables };
}

async function openNotebook(page: Page, ui: Ui, server: Server, name: string): Promise<void> {
  await page.goto(ui.url(server, name), { waitUntil: "domcontentloaded" });
  await until(`${name}: notebook shown`, 120000, () => ui.shown(page));
  // the kernel starts (a failing kernelspec shows "Error Starting Kernel" / "Failed to start the kernel" here)
  await until(`${name}: kernel ready`, 120000, () =>
    ui.kernel(page).then((s) => {
      if (s === "error") throw new Error(`${name}: the kernel did not start`);
      return s;
    }),
  );
  await ui.afterOpen(page);
}

function shotName(ui: Ui, what: string): string {
  return path.join(SHOTS, `${ui.shotPrefix}${what}.png`);
}

/** Check 1: a committed, untrusted notebook shows every figure of the file as an image. */
async function checkCommitted(page: Page, ui: Ui, server: Server, name: string): Promise<void> {
  const expected = fileFigures(path.join(NB_DIR, name));
  await openNotebook(page, ui, server, name);
  if (await ui.trusted(page)) fail(`${name}: the committed notebook opened trusted; the check needs an untrusted one`);
  const images = `${ui.output} img`;
  const shown = await until(`${name}: ${expected.figures} figure images loaded`, 60000, async () => {
    const n = await page.evaluate(
      (sel) => Array.from(document.querySelectorAll(sel)).filter((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0).length,
      images,
    );
    return n >= expected.figures ? n : null;
  }).catch(() => page.evaluate((sel) => Array.from(document.querySelectorAll(sel)).filter((img) => (img as HTMLImageElement).naturalWidth > 0).length, images));
  const blank = await page.evaluate((sel) => Array.from(document.querySelectorAll(sel)).filter((img) => (img as HTMLImageElement).naturalWidth === 0).length, images);
  note(`  ${name} (committed, untrusted): ${shown}/${expected.figures} figures shown as images, ${expected.tables} tables`);
  if (shown !== expected.figures || blank > 0) fail(`${name}: ${shown} of ${expected.figures} figures visible (${blank} blank images)`);
  const first = page.locator(images).first();
  if ((await first.count()) > 0) {
    await first.scrollIntoViewIfNeeded();
    await page.screenshot({ path: shotName(ui, `committed-${name.replace(".ipynb", "")}`) });
  }
}

/** Check 2: Run All in QUICK mode, then errors, figures (drawn, hover), tables, banner and paths. */
async function checkRunAll(page: Page, ui: Ui, server: Server, name: string, timeoutS: number, consoleErrors: string[]): Promise<void> {
  await openNotebook(page, ui, server, name);
  consoleErrors.length = 0;
  const t0 = Date.now();
  await ui.runAll(page);
  await until(`${name}: Run All finished`, timeoutS * 1000, () => ui.runState(page)).catch((e) => fail(String(e.message ?? e)));
  note(`  ${name} (Run All, QUICK): finished in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  const outputs = await ui.outputs(page);
  for (const o of outputs) {
    if (o.type === "error") fail(`${name} cell ${o.cell}: error ${o.evalue}`);
    if (o.type === "stream" && o.name === "stderr") fail(`${name} cell ${o.cell}: stderr ${String(o.text).slice(0, 200)}`);
    const text = [o.text ?? "", ...Object.entries(o.data ?? {}).filter(([k]) => k === "text/plain" || (k === "text/html" && !o.metadata?.["seismic-xai"])).map(([, v]) => String(v))].join("\n");
    if (text.includes(BANNER)) fail(`${name} cell ${o.cell}: tf.js banner in the output`);
    for (const abs of [ROOT, os.homedir() !== "/" ? os.homedir() : null].filter((p): p is string => !!p)) {
      if (text.includes(abs + "/") || text.includes(abs + " ")) fail(`${name} cell ${o.cell}: absolute path ${abs} in the output: ${text.slice(text.indexOf(abs) - 40, text.indexOf(abs) + 80)}`);
    }
  }
  // tables: one rendered table per table output, and no separate plain-text twin
  const tableOutputs = outputs.filter((o) => typeof o.data?.["text/html"] === "string" && (o.data["text/html"] as string).includes("<table")).length;
  const tablesInPage = await page.evaluate((sel) => document.querySelectorAll(sel).length, `${ui.output} table`);
  const plainTwins = outputs.filter((o) => o.type === "display_data" && o.data && Object.keys(o.data).length === 1 && "text/plain" in o.data && /\t/.test(String(o.data["text/plain"]))).length;
  note(`  ${name}: ${tableOutputs} table output(s), ${tablesInPage} table(s) in the page`);
  if (tablesInPage !== tableOutputs || plainTwins > 0) fail(`${name}: tables: ${tableOutputs} outputs, ${tablesInPage} rendered, ${plainTwins} plain-text twins`);
  // figures: every figure output drawn by plotly.js, and a hover label over its data
  const figureOutputs = outputs.filter((o) => o.metadata?.["seismic-xai"]?.figure).length;
  const drawn = await until(`${name}: ${figureOutputs} figures drawn by plotly.js`, 60000, async () => {
    const n = await page.evaluate(() => document.querySelectorAll('.seismic-xai-figure[data-plotly="drawn"]').length);
    return n >= figureOutputs ? n : null;
  }).catch(() => page.evaluate(() => document.querySelectorAll('.seismic-xai-figure[data-plotly="drawn"]').length));
  note(`  ${name}: ${drawn}/${figureOutputs} figures interactive (plotly.js)`);
  if (drawn !== figureOutputs || figureOutputs === 0) fail(`${name}: ${drawn} of ${figureOutputs} figures drawn by plotly.js`);
  const figures = page.locator('.seismic-xai-figure[data-plotly="drawn"]');
  for (let i = 0; i < (await figures.count()); i++) {
    const fig = figures.nth(i);
    await fig.scrollIntoViewIfNeeded();
    await sleep(200);
    const target = await fig.evaluate((gd: any) => {
      // a data point of the first trace that answers hovers, in page pixels (Plotly's own axis conversions)
      const rect = gd.getBoundingClientRect();
      for (const t of gd._fullData as any[]) {
        if (t.hoverinfo === "skip" || t.visible !== true || t.type === "table") continue;
        const xa = gd._fullLayout[t.xaxis.replace("x", "xaxis")];
        const ya = gd._fullLayout[t.yaxis.replace("y", "yaxis")];
        let x: number | null = null;
        let y: number | null = null;
        if (t.type === "heatmap") {
          x = t.x ? t.x[Math.floor(t.x.length / 2)] : Math.floor(t.z[0].length / 2);
          y = t.y ? t.y[Math.floor(t.y.length / 2)] : Math.floor(t.z.length / 2);
        } else if (t.type === "bar") {
          const k = t.y.length - 1;
          x = t.orientation === "h" ? (t.base ? t.base[k] : 0) + t.x[k] / 2 : t.x[k];
          y = t.orientation === "h" ? t.y[k] : (t.base ? t.base[k] : 0) + t.y[k] / 2;
        } else {
          const k = t.x.findIndex((v: any, j: number) => v !== null && t.y[j] !== null);
          if (k < 0) continue;
          x = t.x[Math.max(k, Math.floor(t.x.length / 2))] ?? t.x[k];
          y = t.y[Math.max(k, Math.floor(t.x.length / 2))] ?? t.y[k];
        }
        if (x === null || y === null) continue;
        const px = rect.left + xa._offset + xa.l2p(xa.d2l(x));
        const py = rect.top + ya._offset + ya.l2p(ya.d2l(y));
        return { px, py, type: t.type, name: t.name ?? "" };
      }
      return null;
    });
    const title = await fig.evaluate((gd: any) => gd.layout?.title?.text ?? "");
    if (!target) {
      fail(`${name} figure ${i + 1} "${title}": no hoverable data`);
      continue;
    }
    await page.mouse.move(target.px, target.py, { steps: 4 });
    const label = await until(`${name} figure ${i + 1}: hover label`, 5000, () =>
      fig.evaluate((gd: any) => {
        const t = gd.querySelector(".hoverlayer .hovertext");
        return t ? t.textContent : null;
      }),
    ).catch(() => null);
    note(`  ${name} figure ${i + 1} "${title.slice(0, 60)}": hover over ${target.type} -> ${label ? JSON.stringify(label.slice(0, 120)) : "NO LABEL"}`);
    if (!label) fail(`${name} figure ${i + 1} "${title}": no hover label over its data`);
    if (i < 3) await page.screenshot({ path: shotName(ui, `run-${name.replace(".ipynb", "")}-figure${i + 1}-hover`) });
  }
  if (consoleErrors.length) fail(`${name}: browser console errors: ${consoleErrors.slice(0, 5).join(" | ")}`);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const committedOnly = args.includes("--committed-only");
  const runOnly = args.includes("--run-only");
  const filters = args.filter((a) => !a.startsWith("--"));
  const all = fs.readdirSync(NB_DIR).filter((f) => /^\d\d-[a-z0-9-]+\.ipynb$/.test(f)).sort();
  const pick = (defaults: string[]) => all.filter((f) => (filters.length ? filters : defaults).some((s) => f.includes(s)));
  // check 1 covers every committed notebook (a few seconds each); name filters pick the notebooks to run
  const committed = runOnly ? [] : all;
  const runs = committedOnly ? [] : pick(["04", "08"]);
  const timeoutS = Number(process.env.BROWSER_TEST_RUN_TIMEOUT_S ?? 900);
  const uiEnv = process.env.JUPYTER_UI;
  if (uiEnv && uiEnv !== "lab" && uiEnv !== "notebook") throw new Error(`JUPYTER_UI=${uiEnv}: expected "lab" or "notebook"`);
  const forced: UiKind | null = args.includes("--notebook") ? "notebook" : args.includes("--lab") ? "lab" : ((uiEnv as UiKind | undefined) ?? null);

  const chromium = findChromium();
  const jupyter = findJupyter(forced);
  const ui = jupyter.kind === "lab" ? labUi : classicUi;
  // the committed files, to check afterwards that nothing of the test's run was saved into them
  const digest = (f: string) => crypto.createHash("sha256").update(fs.readFileSync(path.join(NB_DIR, f))).digest("hex");
  const before = new Map(all.map((f) => [f, digest(f)]));
  fs.mkdirSync(SHOTS, { recursive: true });
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "seismic-xai-jupyter-"));
  let server: Server | null = null;
  let browser: Browser | null = null;
  const stop = () => {
    if (server && server.proc.exitCode === null) server.proc.kill("SIGTERM");
  };
  process.on("exit", stop);
  try {
    const t0 = Date.now();
    server = await startJupyter(jupyter, home);
    const why = forced ? `forced by ${args.includes(`--${forced}`) ? `--${forced}` : `JUPYTER_UI=${forced}`}` : jupyter.kind === "notebook" ? "no JupyterLab 4 found" : "found first";
    note(`${uiName(jupyter.kind)} ${jupyter.version} at ${server.url} (${[jupyter.command, ...jupyter.args].join(" ")}; ${why}), kernel registered with npm run kernel`);
    const { chromium: pw } = await import("playwright-core");
    browser = await pw.launch({ executablePath: chromium, headless: true, args: ["--no-sandbox"] }).catch((e: Error) => {
      throw new Error(`Chromium (${chromium}) did not start: ${e.message.split("\n")[0]}`);
    });
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.setDefaultTimeout(60000);
    // leaving a notebook whose run is not saved asks "leave the page?": yes (the files must stay as committed)
    page.on("dialog", (d) => void (d.type() === "beforeunload" ? d.accept() : d.dismiss()).catch(() => undefined));
    const consoleErrors: string[] = [];
    // JupyterLab's debugger extension asks every kernel for a debug session; tslab has none (not our figures)
    const ignored = (text: string) => /No active debugger session/.test(text);
    page.on("console", (m) => {
      if (m.type() === "error" && !ignored(m.text())) consoleErrors.push(m.text().slice(0, 300));
    });
    page.on("pageerror", (e) => {
      if (!ignored(e.message)) consoleErrors.push(`page error: ${e.message.slice(0, 300)}`);
    });
    for (const name of committed) {
      try {
        await checkCommitted(page, ui, server, name);
      } catch (e) {
        fail(`${name} (committed): ${(e as Error).message}`);
      }
    }
    for (const name of runs) {
      try {
        await checkRunAll(page, ui, server, name, timeoutS, consoleErrors);
      } catch (e) {
        fail(`${name} (Run All): ${(e as Error).message}`);
        await page.screenshot({ path: shotName(ui, `failed-${name.replace(".ipynb", "")}`) }).catch(() => undefined);
      }
    }
    note(`browser test: ${committed.length} committed notebook(s), ${runs.length} run, in ${((Date.now() - t0) / 1000).toFixed(0)} s; screenshots in ${path.relative(process.cwd(), SHOTS) || SHOTS}`);
  } finally {
    await browser?.close().catch(() => undefined);
    stop();
    fs.rmSync(home, { recursive: true, force: true });
  }
  for (const [f, d] of before) if (digest(f) !== d) fail(`notebooks/${f} changed during the test (saved by the ${uiName(jupyter.kind)} page?)`);
  if (failures.length) {
    console.error(`browser test FAILED (${failures.length}):\n  ${failures.join("\n  ")}`);
    process.exit(1);
  }
  console.error("browser test passed");
}

main().catch((e) => {
  console.error(`browser test: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
