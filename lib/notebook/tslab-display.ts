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
}

let cached: { display: Display; newDisplay: () => Display } | null | undefined;

/** Whether this process is a tslab kernel (tslab sets up its display channel only there). */
export function insideTslab(): boolean {
  return process.argv.some((a) => /tslab/.test(a)) || !!process.env.TSLAB_KERNEL;
}

function load(): { display: Display; newDisplay: () => Display } | null {
  if (cached !== undefined) return cached;
  if (!insideTslab()) return (cached = null);
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const tslab = require("tslab") as { display: Display; newDisplay: () => Display };
  return (cached = tslab);
}

const consoleDisplay: Display = {
  html: () => {},
  svg: () => {},
  png: () => {},
  text: (s) => console.log(s),
  markdown: (s) => console.log(s),
};

/** tslab's display, or a console stand-in outside a notebook. */
export function display(): Display {
  return load()?.display ?? consoleDisplay;
}

/** A display entry that later calls overwrite in place (tslab.newDisplay), for progress. */
export function newDisplay(): Display {
  const t = load();
  return t ? t.newDisplay() : consoleDisplay;
}
