/**
 * The one place that loads tslab. It is required lazily, at the first display, because loading it pulls in
 * tslab's own TypeScript compiler: code that imports lib/ outside a notebook (tests, scripts) never pays
 * for it. Outside a tslab kernel, displays fall back to the console (text) or are dropped (images).
 */
export interface Display {
  html(s: string): void;
  svg(s: string): void;
  png(b: Uint8Array): void;
  text(s: string): void;
  markdown(s: string): void;
  /**
   * One output carrying several mime types (an IPython-style bundle): the viewer picks the richest one it
   * may show, e.g. `text/html` in a live (trusted) session, `image/png` in an untrusted one. Binary values
   * are passed base64-encoded, as the Jupyter protocol wants. `metadata` is keyed by mime type.
   */
  bundle(data: Record<string, string>, metadata?: Record<string, unknown>): void;
}

/** tslab's public API and the internal hook that sends a whole display message (tslab 1.0.22, dist/jupyter). */
interface Tslab {
  display: Omit<Display, "bundle">;
  newDisplay: () => Omit<Display, "bundle"> & { id?: string };
}
type WriteDisplayData = (message: { data: Record<string, string>; metadata: Record<string, unknown>; transient: { display_id?: string } }, update: boolean) => void;

let cached: { tslab: Tslab; jupyter: { lastWriteDisplayData: WriteDisplayData | null } } | null | undefined;

/** Whether this process is a tslab kernel (tslab sets up its display channel only there). */
export function insideTslab(): boolean {
  return process.argv.some((a) => /tslab/.test(a)) || !!process.env.TSLAB_KERNEL;
}

function load(): typeof cached {
  if (cached !== undefined) return cached;
  if (!insideTslab()) return (cached = null);
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const tslab = require("tslab") as Tslab;
  // Public tslab sends one mime type per output; a bundle goes through the function tslab's own Display
  // calls (public.js -> jupyter.lastWriteDisplayData), set for the cell being executed.
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const jupyter = require("tslab/dist/jupyter") as { lastWriteDisplayData: WriteDisplayData | null };
  return (cached = { tslab, jupyter });
}

const consoleDisplay: Display = {
  html: () => {},
  svg: () => {},
  png: () => {},
  text: (s) => console.log(s),
  markdown: (s) => console.log(s),
  bundle: (data) => {
    if (data["text/plain"] !== undefined) console.log(data["text/plain"]);
  },
};

function withBundle(d: Omit<Display, "bundle">, displayId: string | undefined): Display {
  let updating = false;
  const bundle = (data: Record<string, string>, metadata: Record<string, unknown> = {}) => {
    const write = cached?.jupyter.lastWriteDisplayData;
    if (!write) throw new Error("tslab display is not ready (no cell is being executed)");
    write({ data, metadata, transient: displayId ? { display_id: displayId } : {} }, updating);
    if (displayId) updating = true;
  };
  return {
    html: (s) => d.html(s),
    svg: (s) => d.svg(s),
    png: (b) => d.png(b),
    text: (s) => d.text(s),
    markdown: (s) => d.markdown(s),
    bundle,
  };
}

/** tslab's display, or a console stand-in outside a notebook. */
export function display(): Display {
  const t = load();
  return t ? withBundle(t.tslab.display, undefined) : consoleDisplay;
}

let nextDisplayId = 0;

/**
 * A display entry that later calls overwrite in place (a Jupyter display id), for progress. Its updates
 * carry `text/plain`, which `npm run notebooks` shows as the live line of the running cell.
 */
export function newDisplay(): Display {
  const t = load();
  if (!t) return consoleDisplay;
  const id = `seismic-xai-${process.pid}-${++nextDisplayId}`;
  const bundle = withBundle(t.tslab.display, id).bundle;
  const one = (mime: string) => (s: string) => bundle({ [mime]: s });
  return { html: one("text/html"), svg: one("image/svg+xml"), png: (b) => bundle({ "image/png": Buffer.from(b).toString("base64") }), text: one("text/plain"), markdown: one("text/markdown"), bundle };
}
