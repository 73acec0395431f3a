/**
 * `npm run notebooks`: executes every notebook in notebooks/ (or the ones named on the command line), in
 * order, headless, through the Jupyter messaging protocol with the tslab kernel, the same kernel Jupyter
 * users run. Outputs are saved into the notebooks (written atomically). Needs nothing beyond npm: the
 * protocol is spoken here over ZeroMQ (the zeromq package tslab itself depends on).
 *
 * A cell error stops that notebook, saves what ran (with the traceback as the cell's output) and makes the
 * command exit non-zero. QUICK=1 is passed through to the kernel (the notebooks' config cell reads it).
 *
 * Usage: tsx scripts/run-notebooks.ts [--timeout-s 1800] [name-filter ...]
 */
import { spawn, ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import * as zmq from "zeromq";
import { writeFileAtomic } from "../lib/core/atomic";

const ROOT = path.resolve(__dirname, "..");
const NB_DIR = path.join(ROOT, "notebooks");

interface Cell {
  cell_type: string;
  source: string | string[];
  metadata: Record<string, unknown>;
  outputs?: unknown[];
  execution_count?: number | null;
}
interface Notebook {
  cells: Cell[];
  metadata: Record<string, unknown>;
  nbformat: number;
  nbformat_minor: number;
}
interface Message {
  header: { msg_id: string; msg_type: string; session: string; username: string; date: string; version: string };
  parent_header: { msg_id?: string };
  metadata: Record<string, unknown>;
  content: any;
}

/** The kernel's ports come from below (or above) the range the OS hands out for outgoing connections. */
function ephemeralPortRange(): [number, number] {
  try {
    const [lo, hi] = fs.readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/).map(Number);
    if (Number.isInteger(lo) && Number.isInteger(hi) && lo > 0 && hi >= lo) return [lo, hi];
  } catch {
    // not Linux: IANA's dynamic range
  }
  return [49152, 65535];
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

/**
 * A TCP port nobody listens on, for the kernel to bind. A port from the ephemeral range (what listen(0) gives)
 * can be taken meanwhile as the source port of an outgoing connection, our own zeromq clients' included, and
 * the kernel then dies with EADDRINUSE; so the port is drawn outside that range, and never twice per kernel.
 */
async function freePort(taken: Set<number>): Promise<number> {
  const [lo, hi] = ephemeralPortRange();
  const [from, to] = lo > 11000 ? [10000, lo - 1] : [hi + 1, 65535];
  for (let tries = 0; tries < 200; tries++) {
    const port = from + crypto.randomInt(to - from + 1);
    if (taken.has(port) || !(await canListen(port))) continue;
    taken.add(port);
    return port;
  }
  throw new Error(`no free TCP port found in ${from}..${to} for the kernel`);
}

/** Kernel processes still running: killed when this process exits, however it exits, so none is left spinning. */
const liveKernels = new Set<ChildProcess>();
process.on("exit", () => {
  for (const proc of liveKernels) if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(128 + (signal === "SIGINT" ? 2 : 15)));

/** One tslab kernel process with its five channels. */
export class Kernel {
  private readonly key = crypto.randomBytes(16).toString("hex");
  private readonly session = crypto.randomUUID();
  private proc: ChildProcess | null = null;
  private shell = new zmq.Dealer();
  private control = new zmq.Dealer();
  private iopub = new zmq.Subscriber();
  private stderr = "";
  private connDir = "";
  /** Sends go one at a time: zeromq refuses a send while the previous one on the socket is in progress. */
  private sending: Promise<unknown> = Promise.resolve();

  /** Starts the kernel; a kernel that dies while starting (a port taken after all, say) is retried twice. */
  async start(cwd: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.startOnce(cwd);
        return;
      } catch (e) {
        await this.shutdown();
        if (attempt >= 3) throw e;
        process.stderr.write(`tslab kernel did not start (${e instanceof Error ? e.message.split("\n")[0] : String(e)}); retrying on other ports\n`);
        this.shell = new zmq.Dealer();
        this.control = new zmq.Dealer();
        this.iopub = new zmq.Subscriber();
        this.pumpingShell = false;
        this.pending.clear();
        this.stderr = "";
        this.sending = Promise.resolve();
      }
    }
  }

  private async startOnce(cwd: string): Promise<void> {
    const taken = new Set<number>();
    const ports = { shell: await freePort(taken), iopub: await freePort(taken), stdin: await freePort(taken), control: await freePort(taken), hb: await freePort(taken) };
    const conn = {
      transport: "tcp",
      ip: "127.0.0.1",
      shell_port: ports.shell,
      iopub_port: ports.iopub,
      stdin_port: ports.stdin,
      control_port: ports.control,
      hb_port: ports.hb,
      key: this.key,
      signature_scheme: "hmac-sha256",
    };
    this.connDir = fs.mkdtempSync(path.join(os.tmpdir(), "seismic-xai-kernel-"));
    const connFile = path.join(this.connDir, "connection.json");
    fs.writeFileSync(connFile, JSON.stringify(conn));
    const tslab = path.join(ROOT, "node_modules", "tslab", "bin", "tslab");
    if (!fs.existsSync(tslab)) throw new Error(`tslab is not installed (${tslab} missing): run npm ci first`);
    const proc = spawn(process.execPath, [tslab, "kernel", "--config-path", connFile], {
      cwd,
      // Figures as static images only: a notebook saved by this runner is never trusted by Jupyter, so an
      // interactive view in it could not run (lib/notebook/show.ts).
      env: { ...process.env, SEISMIC_XAI_FIGURES: "static" },
      stdio: ["ignore", "inherit", "pipe"],
    });
    this.proc = proc;
    liveKernels.add(proc);
    proc.once("exit", () => liveKernels.delete(proc));
    proc.stderr!.on("data", (d) => {
      this.stderr += d.toString();
      process.stderr.write(d);
    });
    const exited = new Promise<null>((resolve) => proc.once("exit", () => resolve(null)));
    this.shell.connect(`tcp://127.0.0.1:${ports.shell}`);
    this.control.connect(`tcp://127.0.0.1:${ports.control}`);
    this.iopub.connect(`tcp://127.0.0.1:${ports.iopub}`);
    this.iopub.subscribe();
    this.pumpIopub();
    // kernel_info until the kernel answers (it needs a moment to bind its sockets)
    for (let attempt = 0; ; attempt++) {
      const reply = await Promise.race([this.request("kernel_info_request", {}), sleep(2000).then(() => null), exited]);
      if (reply) break;
      if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`tslab kernel exited with ${proc.exitCode ?? proc.signalCode} while starting\n${this.stderr}`);
      // tslab reports a port it cannot bind as an unhandled rejection and lives on without answering.
      if (/EADDRINUSE/.test(this.stderr)) throw new Error("tslab kernel could not bind one of its ports (EADDRINUSE)");
      if (attempt > 30) throw new Error("tslab kernel did not answer kernel_info_request within 60 s");
    }
  }

  /** Queues a message on a socket behind the earlier sends. */
  private send(socket: zmq.Dealer, frames: Array<string | Buffer>): Promise<void> {
    const sent = this.sending.then(() => socket.send(frames));
    this.sending = sent.catch(() => undefined);
    return sent;
  }

  private sign(parts: Buffer[]): string {
    const h = crypto.createHmac("sha256", this.key);
    for (const p of parts) h.update(p);
    return h.digest("hex");
  }

  private header(msgType: string): Message["header"] {
    return { msg_id: crypto.randomUUID(), msg_type: msgType, session: this.session, username: "seismic-xai", date: new Date().toISOString(), version: "5.3" };
  }

  private pending = new Map<string, (m: Message) => void>();
  private iopubHandlers = new Map<string, (m: Message) => void>();

  private decode(frames: Buffer[]): Message {
    const i = frames.findIndex((f) => f.toString() === "<IDS|MSG>");
    const [sig, h, p, md, c] = frames.slice(i + 1, i + 6);
    if (sig.toString() !== this.sign([h, p, md, c])) throw new Error("bad message signature from the kernel");
    return { header: JSON.parse(h.toString()), parent_header: JSON.parse(p.toString()), metadata: JSON.parse(md.toString()), content: JSON.parse(c.toString()) };
  }

  private async pumpIopub(): Promise<void> {
    try {
      for await (const frames of this.iopub) {
        const msg = this.decode(frames as Buffer[]);
        const parent = msg.parent_header.msg_id;
        if (parent && this.iopubHandlers.has(parent)) this.iopubHandlers.get(parent)!(msg);
      }
    } catch {
      // socket closed
    }
  }

  private pumpingShell = false;
  private async pumpShell(): Promise<void> {
    if (this.pumpingShell) return;
    this.pumpingShell = true;
    try {
      for await (const frames of this.shell) {
        const msg = this.decode(frames as Buffer[]);
        const cb = msg.parent_header.msg_id ? this.pending.get(msg.parent_header.msg_id) : undefined;
        if (cb) cb(msg);
      }
    } catch {
      // socket closed
    }
  }

  /** Sends a shell request; resolves with its reply. */
  request(msgType: string, content: unknown, onIopub?: (m: Message) => void): Promise<Message> {
    const header = this.header(msgType);
    const parts = [header, {}, {}, content].map((o) => Buffer.from(JSON.stringify(o)));
    if (onIopub) this.iopubHandlers.set(header.msg_id, onIopub);
    let failed: (e: unknown) => void = () => {};
    const reply = new Promise<Message>((resolve, reject) => {
      this.pending.set(header.msg_id, resolve);
      failed = reject;
    });
    this.pumpShell();
    this.send(this.shell, ["<IDS|MSG>", this.sign(parts), ...parts]).catch((e: unknown) => {
      this.pending.delete(header.msg_id);
      failed(e);
    });
    return reply;
  }

  /** Executes one cell; resolves with its outputs once the kernel is idle again for that request. */
  async execute(code: string, timeoutMs: number, onDisplay?: (text: string) => void): Promise<{ outputs: unknown[]; status: string; error?: string }> {
    const outputs: unknown[] = [];
    let idle: () => void = () => {};
    const idleSeen = new Promise<void>((r) => (idle = r));
    let error: string | undefined;
    const displayIndex = new Map<string, number>();
    const onIopub = (m: Message) => {
      const c = m.content;
      switch (m.header.msg_type) {
        case "stream": {
          const last = outputs[outputs.length - 1] as any;
          if (last && last.output_type === "stream" && last.name === c.name) last.text += c.text;
          else outputs.push({ output_type: "stream", name: c.name, text: c.text });
          break;
        }
        case "display_data":
        case "execute_result": {
          const out: any = { output_type: m.header.msg_type, data: c.data, metadata: c.metadata ?? {} };
          // Execution counts are volatile (scripts/clean-notebooks.mjs): the runner never writes them.
          if (m.header.msg_type === "execute_result") out.execution_count = null;
          const id = c.transient?.display_id;
          if (id) {
            displayIndex.set(id, outputs.length);
            if (onDisplay && typeof c.data?.["text/plain"] === "string") onDisplay(c.data["text/plain"]);
          }
          outputs.push(out);
          break;
        }
        case "update_display_data": {
          const id = c.transient?.display_id;
          const at = id !== undefined ? displayIndex.get(id) : undefined;
          if (at !== undefined) outputs[at] = { output_type: "display_data", data: c.data, metadata: c.metadata ?? {} };
          if (onDisplay && typeof c.data?.["text/plain"] === "string") onDisplay(c.data["text/plain"]);
          break;
        }
        case "clear_output":
          outputs.length = 0;
          break;
        case "error":
          error = `${c.ename}: ${c.evalue}`;
          outputs.push({ output_type: "error", ename: c.ename, evalue: c.evalue, traceback: c.traceback ?? [] });
          break;
        case "status":
          if (c.execution_state === "idle") idle();
          break;
      }
    };
    const reply = await withTimeout(
      this.request("execute_request", { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true }, onIopub),
      timeoutMs,
      "cell",
    );
    await withTimeout(idleSeen, 30000, "kernel idle after cell");
    if (reply.content.status === "error" && !error) {
      // tslab reports compile (type) errors on stderr with a bare error reply
      const stderr = outputs.filter((o: any) => o.output_type === "stream" && o.name === "stderr").map((o: any) => o.text).join("");
      error = reply.content.ename ? `${reply.content.ename}: ${reply.content.evalue}` : stderr.trim() || "error";
    }
    return { outputs, status: reply.content.status, error };
  }

  async shutdown(): Promise<void> {
    try {
      const header = this.header("shutdown_request");
      const parts = [header, {}, {}, { restart: false }].map((o) => Buffer.from(JSON.stringify(o)));
      if (this.proc && this.proc.exitCode === null) {
        await withTimeout(this.send(this.control, ["<IDS|MSG>", this.sign(parts), ...parts]), 5000, "shutdown request");
        await sleep(300);
      }
    } catch {
      // already gone
    }
    this.shell.close();
    this.control.close();
    this.iopub.close();
    if (this.proc && this.proc.exitCode === null) this.proc.kill("SIGKILL");
    if (this.connDir) fs.rmSync(this.connDir, { recursive: true, force: true });
    this.proc = null;
    this.connDir = "";
  }
}

/**
 * The running cell's progress in the terminal: the text of the displays it updates in place (the progress
 * displays of lib/notebook/progress.ts) as one live line on a terminal, or a line at most every 20 s in a log;
 * and, when the cell reports nothing, a line every 30 s saying it still runs. No minute passes silently.
 */
function liveLine(prefix: string, startMs: number): { update: (text: string) => void; end: () => void } {
  const tty = !!process.stderr.isTTY;
  let lastPrint = Date.now();
  let lastText = "";
  let shown = false;
  const elapsed = () => `${((Date.now() - startMs) / 1000).toFixed(0)} s`;
  const print = (text: string) => {
    const line = `${prefix}: ${text.split("\n").pop()}`;
    if (tty) {
      const width = process.stderr.columns || 120;
      process.stderr.write(`\r\x1b[K${line.length > width - 1 ? line.slice(0, width - 2) + "…" : line}`);
      shown = true;
    } else process.stderr.write(line + "\n");
    lastPrint = Date.now();
  };
  const timer = setInterval(() => {
    if (Date.now() - lastPrint >= 30000) print(lastText ? `${lastText} (running for ${elapsed()})` : `running for ${elapsed()}`);
  }, 5000);
  timer.unref();
  return {
    update: (text) => {
      lastText = text.trim();
      if (tty || Date.now() - lastPrint >= 20000) print(lastText);
    },
    end: () => {
      clearInterval(timer);
      if (shown) process.stderr.write("\r\x1b[K");
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout;
  return Promise.race([p, new Promise<T>((_, rej) => (t = setTimeout(() => rej(new Error(`${what} timed out after ${ms / 1000} s`)), ms)))]).finally(() => clearTimeout(t));
}

function cellSource(c: Cell): string {
  return Array.isArray(c.source) ? c.source.join("") : c.source;
}

/**
 * What every notebook's first cell imports. Importing it first compiles the library in the kernel (tslab
 * type-checks it: 8 to 10 s), after which the cell itself takes about 2 s.
 */
const WARM_UP = 'import * as library from "./lib/index";';

/**
 * A tslab kernel started in `dir` that has already imported the library (WARM_UP, an execution no notebook
 * records), so a notebook can start on it while the previous one runs. A failed import is left for the
 * notebook's own first cell to report.
 */
export function warmKernel(dir: string): Promise<Kernel> {
  const kernel = new Kernel();
  const ready = (async () => {
    await kernel.start(dir);
    await kernel.execute(WARM_UP, 600_000);
    return kernel;
  })();
  // Awaited later (or never, when an earlier notebook fails): its failure must not end the process meanwhile.
  ready.catch(() => undefined);
  return ready;
}

/**
 * Executes one notebook file in place on `kernel` (warmKernel, in the notebook's folder); returns the error
 * text of the failing cell, if any. The kernel is shut down either way.
 */
async function runNotebook(file: string, timeoutS: number, kernel: Promise<Kernel>): Promise<string | null> {
  const nb: Notebook = JSON.parse(fs.readFileSync(file, "utf8"));
  const t0 = Date.now();
  let failure: string | null = null;
  try {
    const code = nb.cells.filter((c) => c.cell_type === "code");
    let i = 0;
    for (const cell of nb.cells) {
      if (cell.cell_type !== "code") continue;
      i++;
      const src = cellSource(cell);
      const t = Date.now();
      const live = liveLine(`  ${path.basename(file)} cell ${i}/${code.length}`, t);
      let r: Awaited<ReturnType<Kernel["execute"]>>;
      try {
        r = await (await kernel).execute(src, timeoutS * 1000, live.update);
      } finally {
        live.end();
      }
      cell.outputs = r.outputs;
      cell.execution_count = null;
      process.stderr.write(`  ${path.basename(file)} cell ${i}/${code.length} ${r.status} (${((Date.now() - t) / 1000).toFixed(1)} s)\n`);
      if (r.status !== "ok") {
        failure = `${path.basename(file)} cell ${i}: ${r.error ?? r.status}`;
        break;
      }
    }
  } finally {
    await kernel.then((k) => k.shutdown(), () => undefined);
    writeFileAtomic(file, JSON.stringify(nb, null, 1) + "\n");
  }
  process.stderr.write(`${path.basename(file)}: ${failure ? "FAILED" : "ok"} in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  return failure;
}

/**
 * Executes `files` in order, each in a fresh kernel, and stops at the first failure (later notebooks depend
 * on earlier ones' cached results), whose error text it returns. The next notebook's kernel starts and
 * imports the library while the current notebook runs, mostly on the core a notebook leaves idle: about a
 * minute of the nine notebooks' run. `first` is the first notebook's kernel when the caller warmed it
 * already; `announce` is called as each notebook starts.
 */
export async function runNotebooks(files: string[], timeoutS: number, options: { first?: Promise<Kernel>; announce?: (file: string, index: number) => void } = {}): Promise<string | null> {
  let next: Promise<Kernel> | undefined = files.length > 0 ? options.first ?? warmKernel(path.dirname(files[0])) : undefined;
  for (const [i, f] of files.entries()) {
    const kernel = next as Promise<Kernel>;
    next = i + 1 < files.length ? warmKernel(path.dirname(files[i + 1])) : undefined;
    options.announce?.(f, i);
    const failure = await runNotebook(f, timeoutS, kernel);
    if (failure) {
      await next?.then((k) => k.shutdown(), () => undefined);
      return failure;
    }
  }
  return null;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  let timeoutS = 1800;
  const filters: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--timeout-s") timeoutS = Number(args[++i]);
    else filters.push(args[i]);
  }
  const files = fs
    .readdirSync(NB_DIR)
    .filter((f) => /^\d\d-[a-z0-9-]+\.ipynb$/.test(f))
    .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
    .sort()
    .map((f) => path.join(NB_DIR, f));
  if (files.length === 0) throw new Error(`no notebook in ${NB_DIR} matched ${filters.join(" ") || "(all)"}`);
  const failure = await runNotebooks(files, timeoutS);
  if (failure) {
    console.error(`notebook run failed:\n  ${failure}`);
    process.exit(1);
  }
  console.error(`${files.length} notebook(s) executed`);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
