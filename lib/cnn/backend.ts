/**
 * Chooses and initialises the tf.js backend: @tensorflow/tfjs-node ("tensorflow") when it is installed,
 * otherwise the wasm backend (SIMD, one thread under Node) with our training kernels registered, otherwise
 * the pure-JS "cpu" backend (17x slower at inference, unusable for training: docs/tfjs-training.md).
 */
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { registerWasmTrainingKernels } from "./wasm-kernels";

/** The tf.js backends this project knows, fastest first. */
export type BackendName = "tensorflow" | "wasm" | "cpu";

/** Options of `initBackend`. */
export interface InitBackendOptions {
  /** Backend to try first; on failure the next faster one is tried, and the log says why. @default "tensorflow" */
  prefer?: BackendName;
  /** Where the one-line report goes; `false` for silence. tf.js' Node banner is never printed. @default console.log */
  log?: ((line: string) => void) | false;
}

const ORDER: BackendName[] = ["tensorflow", "wasm", "cpu"];
let wasmPathsSet = false;
let lastReport = "";

/**
 * Initialises the fastest available tf.js backend, starting at `prefer`, and makes it current. Logs which
 * backend runs (once per change). tf.js' one-time "Hi, looks like you are running TensorFlow.js in Node.js"
 * banner is used up here, silently (`silenceCpuBanner`), so no later output (a notebook cell, a script's log,
 * a worker) carries it.
 *
 * @returns the name of the backend now in use
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendName> {
  registerWasmTrainingKernels();
  const start = ORDER.indexOf(options.prefer ?? "tensorflow");
  if (start < 0) throw new Error(`initBackend: unknown backend "${options.prefer}" (expected one of ${ORDER.join(", ")})`);
  const skipped: string[] = [];
  let chosen: BackendName | null = null;
  for (const name of ORDER.slice(start)) {
    const why = await tryBackend(name);
    if (why === null) {
      chosen = name;
      break;
    }
    skipped.push(`${name}: ${why}`);
  }
  if (chosen === null) throw new Error(`initBackend: no tf.js backend could start (${skipped.join("; ")})`);
  const log = options.log ?? ((line: string) => console.log(line));
  silenceCpuBanner();
  const report = `tf.js ${tf.version.tfjs} backend: ${describe(chosen)}${skipped.length ? ` (skipped ${skipped.join("; ")})` : ""}`;
  if (log && report !== lastReport) {
    log(report);
    lastReport = report;
  }
  return chosen;
}

/** Tries to make `name` the current backend; null on success, else the reason it failed. */
async function tryBackend(name: BackendName): Promise<string | null> {
  try {
    if (name === "tensorflow") {
      if (tf.findBackendFactory("tensorflow") === null) {
        // A variable module name keeps TypeScript (and bundlers) from requiring its types or presence.
        const optional = "@tensorflow/tfjs-node";
        try {
          require(optional);
        } catch {
          return "@tensorflow/tfjs-node is not installed";
        }
      }
    } else if (name === "wasm" && !wasmPathsSet && tf.findBackend("wasm") === null) {
      // Under Node the wasm binaries must be read from the package's dist folder.
      const binary = require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm");
      setWasmPaths(path.dirname(binary) + path.sep);
      wasmPathsSet = true;
    }
    const ok = await tf.setBackend(name);
    if (!ok || tf.getBackend() !== name) return "failed to initialise";
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

function describe(name: BackendName): string {
  if (name === "wasm") {
    const simd = tf.env().getBool("WASM_HAS_SIMD_SUPPORT");
    return `wasm (${simd ? "SIMD" : "no SIMD"}, one thread; custom training kernels registered)`;
  }
  if (name === "cpu") return "cpu (pure JavaScript: slow inference, training impractical)";
  return "tensorflow (tfjs-node, native TensorFlow)";
}

/**
 * The cpu backend prints a multi-line "install tfjs-node" banner on its first tensor write (tfjs-backend-cpu
 * 4.22, `MathBackendCPU.write`, once per process), through tfjs-core's `warn`, which is silent while the PROD
 * flag is set (tfjs-core log.ts). One write under PROD uses the banner up; the flag is then restored, so other
 * warnings still show and tf.js' debug checks stay as they were (`enableProdMode` would also turn those off).
 */
function silenceCpuBanner(): void {
  const env = tf.env();
  const before = env.getBool("PROD");
  env.set("PROD", true);
  try {
    const cpu = tf.findBackend("cpu");
    if (cpu === null) return;
    const id = cpu.write(new Float32Array(1), [1], "float32");
    cpu.disposeData(id);
  } finally {
    env.set("PROD", before);
  }
}

/** The current backend, after initialising the fastest one with `initBackend()` if none was chosen yet. */
export async function ensureBackend(): Promise<string> {
  registerWasmTrainingKernels();
  const current = tf.engine().backendName;
  return current ? current : initBackend();
}

/**
 * The current backend's name, for synchronous entry points; throws naming `where` when none is ready (tf.js
 * cannot start the wasm backend synchronously).
 */
export function requireBackend(where: string): string {
  const current = tf.engine().backendName;
  if (!current) throw new Error(`${where}: no tf.js backend is ready yet: call \`await initBackend()\` first`);
  return current;
}
