import fs from "node:fs";
import path from "node:path";
import { writeJsonAtomic } from "../core/atomic";
import { cacheKey } from "../core/cache-key";
import { withLock } from "../core/cache-lock";
import { assertWritableDir } from "../core/fs-errors";
import { RandomForestOptions, RandomForestRegressor, TrainOptions } from "../forest/random-forest";
import { displayPath } from "../core/display-path";

/** What `trainForestCached` trains on, and where it may keep the result. */
export interface CachedForestRequest {
  /** Forest settings; they all enter the cache key. */
  readonly forestOptions: RandomForestOptions;
  /** Training table, row-major nRows x nFeatures, no NaN (fill missing values first). */
  readonly X: Float64Array;
  readonly nRows: number;
  readonly nFeatures: number;
  /** Targets, length nRows. */
  readonly y: Float64Array;
  /** Folder of the cache files; without it the forest is always trained and never saved. */
  readonly cacheDir?: string;
  readonly trainOptions?: TrainOptions;
  /** A cache file that cannot be used, waiting for another run: one line each; `false` for silence. @default console.log */
  readonly log?: ((line: string) => void) | false;
  /** How long to wait for another run training the same forest, ms; 0 stops at once naming it. @default Infinity */
  readonly lockWaitMs?: number;
}

/** A trained or reloaded forest. */
export interface CachedForest {
  readonly forest: RandomForestRegressor;
  /** True when the forest was read from the cache instead of trained. */
  readonly fromCache: boolean;
  /** The cache file (written or read), or null without a cacheDir. */
  readonly file: string | null;
  /** Seconds spent training or loading. */
  readonly seconds: number;
}

const CACHE_VERSION = 2;
const FORMAT = "seismic-xai/forest-cache";

/** A cache file: the forest and the key of what it was trained on. */
interface ForestCacheFile {
  readonly format: typeof FORMAT;
  readonly version: typeof CACHE_VERSION;
  readonly key: string;
  readonly forest: unknown;
}

/**
 * Trains a `RandomForestRegressor`, or reloads the one a previous run saved (`toJSON`) for exactly the same
 * settings and training data. The cache file is `<cacheDir>/forest-<key>.json`, the key being a SHA-256
 * (lib/core/cache-key) over the cache format's version, the forest options, the table size and the bytes of
 * X and y, whose first 16 hex digits name the file: whatever could change the forest changes the name, so
 * nothing has to be invalidated. The file also holds the whole key, checked on reading; a file with another
 * key, or unreadable, is retrained and overwritten, and the log says so. The folder is checked for
 * writability before training; one run at a time trains a given forest (`forest-<key>.lock`,
 * lib/core/cache-lock), so a second one waits and then reads it. Written atomically. Run-time settings
 * (`trainOptions`: worker count, progress) do not change the forest and are not part of the key.
 */
export async function trainForestCached(request: CachedForestRequest): Promise<CachedForest> {
  const start = Date.now();
  const { forestOptions, X, nRows, nFeatures, y } = request;
  // Validates the options before anything is hashed or read.
  const fresh = new RandomForestRegressor(forestOptions);
  if (request.cacheDir === undefined) {
    const forest = await fresh.train(X, nRows, nFeatures, y, request.trainOptions);
    return { forest, fromCache: false, file: null, seconds: (Date.now() - start) / 1000 };
  }
  const cacheDir = assertWritableDir(request.cacheDir, "the forest cache");
  const log = request.log === undefined ? (line: string) => console.log(line) : request.log;
  const key = forestCacheKey(fresh, X, nRows, nFeatures, y);
  const file = path.join(cacheDir, `forest-${key.slice(0, 16)}.json`);
  return withLock(path.join(cacheDir, `forest-${key.slice(0, 16)}.lock`), { purpose: "this forest", waitMs: request.lockWaitMs, log }, async () => {
    if (fs.existsSync(file)) {
      const problem = readForest(file, key, nFeatures);
      if (typeof problem !== "string") return { forest: problem, fromCache: true, file, seconds: (Date.now() - start) / 1000 };
      if (log) log(`forest cache ${displayPath(file)}: ${problem}; training again`);
    }
    const forest = await fresh.train(X, nRows, nFeatures, y, request.trainOptions);
    writeJsonAtomic(file, { format: FORMAT, version: CACHE_VERSION, key, forest: forest.toJSON() } satisfies ForestCacheFile);
    return { forest, fromCache: false, file, seconds: (Date.now() - start) / 1000 };
  });
}

/** The cached forest, or why the file cannot be used. */
function readForest(file: string, key: string, nFeatures: number): RandomForestRegressor | string {
  let parsed: ForestCacheFile;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8")) as ForestCacheFile;
  } catch (e) {
    return `cannot be read (${e instanceof Error ? e.message : String(e)})`;
  }
  if (!parsed || parsed.format !== FORMAT || parsed.version !== CACHE_VERSION) return "written by another version of the program";
  if (parsed.key !== key) return "holds a forest trained on other data or settings (its key differs)";
  try {
    const forest = RandomForestRegressor.fromJSON(parsed.forest as Parameters<typeof RandomForestRegressor.fromJSON>[0]);
    if (forest.nFeatures !== nFeatures) return `its forest has ${forest.nFeatures} features, not ${nFeatures}`;
    return forest;
  } catch (e) {
    return `its forest cannot be rebuilt (${e instanceof Error ? e.message : String(e)})`;
  }
}

function forestCacheKey(forest: RandomForestRegressor, X: Float64Array, nRows: number, nFeatures: number, y: Float64Array): string {
  const o = forest.options;
  const settings = { ...o, maxDepth: o.maxDepth === Infinity ? null : o.maxDepth, nRows, nFeatures };
  return cacheKey(FORMAT, CACHE_VERSION, settings, X, y);
}
