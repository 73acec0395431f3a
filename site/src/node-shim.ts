/**
 * What the browser bundle gets for `node:*` imports of lib code paths that the explorer never takes (file
 * reads, worker threads, zlib for Explanation JSON): the bundler (site/build.ts) aliases each `node:` module
 * here. Anything actually called throws, naming what the browser lacks, so a new Node-only path fails loudly.
 */
function unavailable(what: string): never {
  throw new Error(`${what} is not available in the browser (a Node-only path of lib/ was reached from site/)`);
}
const handler: ProxyHandler<object> = {
  get: (_t, key) => (key === "__esModule" ? false : () => unavailable(`node:${String(key)}`)),
};
const stub = new Proxy({}, handler) as Record<string, unknown>;
export default stub;
/** node:worker_threads: the page and its Web Worker are never Node worker threads. */
export const isMainThread = true;
export const parentPort = null;
export const workerData = null;
export class Worker {
  constructor() {
    unavailable("node:worker_threads Worker");
  }
}
export function createHash(): never {
  return unavailable("node:crypto createHash");
}
