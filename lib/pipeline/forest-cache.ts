import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { writeJsonAtomic } from "../core/atomic";
import { RandomForestOptions, RandomForestRegressor, TrainOptions } from "../forest/random-forest";

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

const CACHE_VERSION = 1;

/**
 * Trains a `RandomForestRegressor`, or reloads the one a previous run saved (`toJSON`) for exactly the same
 * settings and training data. The cache file is `<cacheDir>/forest-<key>.json`, the key being the first 16
 * hex digits of a SHA-256 over the forest options, the table size and the bytes of X and y: whatever could
 * change the forest changes the name, so a stale file is never trusted and nothing has to be invalidated.
 * Written atomically; an unreadable or invalid file is retrained and overwritten. Run-time settings
 * (`trainOptions`: worker count, progress) do not change the forest and are not part of the key.
 */
export async function trainForestCached(request: CachedForestRequest): Promise<CachedForest> {
  const start = Date.now();
  const { forestOptions, X, nRows, nFeatures, y, cacheDir } = request;
  // Validates the options before anything is hashed or read.
  const fresh = new RandomForestRegressor(forestOptions);
  const file = cacheDir === undefined ? null : path.join(cacheDir, `forest-${forestCacheKey(fresh, X, nRows, nFeatures, y)}.json`);
  if (file !== null && fs.existsSync(file)) {
    try {
      const forest = RandomForestRegressor.fromJSON(JSON.parse(fs.readFileSync(file, "utf8")));
      if (forest.nFeatures === nFeatures) return { forest, fromCache: true, file, seconds: (Date.now() - start) / 1000 };
    } catch {
      // A truncated or foreign file: train again and replace it.
    }
  }
  const forest = await fresh.train(X, nRows, nFeatures, y, request.trainOptions);
  if (file !== null) writeJsonAtomic(file, forest.toJSON());
  return { forest, fromCache: false, file, seconds: (Date.now() - start) / 1000 };
}

function forestCacheKey(forest: RandomForestRegressor, X: Float64Array, nRows: number, nFeatures: number, y: Float64Array): string {
  const o = forest.options;
  const settings = { version: CACHE_VERSION, ...o, maxDepth: o.maxDepth === Infinity ? null : o.maxDepth, nRows, nFeatures };
  return createHash("sha256")
    .update(JSON.stringify(settings))
    .update(new Uint8Array(X.buffer, X.byteOffset, X.byteLength))
    .update(new Uint8Array(y.buffer, y.byteOffset, y.byteLength))
    .digest("hex")
    .slice(0, 16);
}
