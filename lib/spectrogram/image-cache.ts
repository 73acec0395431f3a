import fs from "node:fs";
import path from "node:path";
import { isTempFileName, writeJsonAtomic } from "../core/atomic";
import { cacheKey } from "../core/cache-key";
import { describeOwner, lockFileOf, lockHolder, withLock } from "../core/cache-lock";
import { InputError } from "../core/errors";
import { assertWritableDir, withFileSystemErrors } from "../core/fs-errors";
import { killPoint } from "../core/kill-point";
import { ProgressFn, silentProgress } from "../core/progress";
import { DSetTraceFilter, openDSet } from "../data/index";
import { dsetIdentity } from "../data/dset-identity";
import { runTraceJobs } from "../data/trace-jobs";
import { decodePng, PNG_BYTES_PER_PIXEL, type PngColorType } from "../core/png";
import { SPECTROGRAM_IMAGE_SHAPE } from "./spectrogram-image";
import { runImageCacheJob } from "./image-cache-job";
import { imageCachePath, ImageCacheParams, ImageCacheResult, pngChunkCrc32 } from "./image-cache-layout";
import { displayPath } from "../core/display-path";

export { imageCachePath } from "./image-cache-layout";

/**
 * The spectrogram-image cache of a whole data set: one 33 x 153 x 3 PNG per trace (the paper saved PNGs
 * too), at `<cacheDir>/images/<station>/<trace_name>.png`, plus `manifest.json` listing every cached trace
 * with its station, period, label, the metadata the experiments need, and its PNG's size and checksum. The
 * manifest is split-independent: splits are made later from its rows, so one cache serves every experiment.
 *
 * What the images were made from is recorded before the first PNG is written (`images/provenance.json`:
 * a key over the D-set's files, lib/data/dset-identity, and the image code's version), and again in the
 * manifest, which is written last. A build finds the images of another data set or version, finished or
 * not, by that key, removes them and says so; a build interrupted on the same data resumes by keeping the
 * PNGs that exist (each was written atomically). One run at a time writes a cache folder (`.lock`,
 * lib/core/cache-lock); a second one waits, with a message. Readers check the manifest's key against the
 * D-set and every PNG against its size and checksum, so they never use images of other data.
 *
 * Built with one worker thread per core, each opening the D-set itself and handling whole stations' traces.
 */
export interface ImageCacheEntry {
  readonly trace_name: string;
  readonly station: string;
  readonly period: string;
  readonly label: 0 | 1 | null;
  readonly source_id: string;
  /** NaN when the CSV holds no number. */
  readonly source_magnitude: number;
  readonly p_travel_sec: number;
  readonly distance_km: number;
  /** PNG path relative to the cache folder. */
  readonly file: string;
  /** Size of the PNG in bytes, and the CRC-32 of its chunk CRCs (`pngChunkCrc32`): what a reader checks. */
  readonly bytes: number;
  readonly chunkCrc32: number;
}

export interface ImageCacheManifest {
  readonly format: "seismic-xai-image-cache";
  readonly version: 2;
  readonly dsetDir: string;
  /** Key of the images: the D-set's files and the image code's version. */
  readonly imagesKey: string;
  /** Key of this manifest: the images' key and the filter. */
  readonly key: string;
  readonly filter: DSetTraceFilter;
  readonly shape: readonly [number, number, number];
  readonly dimensionOrder: "FTC";
  readonly processing: readonly string[];
  readonly entries: readonly ImageCacheEntry[];
  /** Traces the reader or the image step skipped, and why. */
  readonly skipped: readonly { readonly file: string; readonly trace: string | null; readonly reason: string }[];
}

export interface BuildImageCacheOptions {
  /** Cache folder (created). */
  readonly cacheDir: string;
  /** Which traces; all usable ones by default. */
  readonly filter?: DSetTraceFilter;
  /** Worker threads; 0 builds in this thread. @default the number of cores */
  readonly workers?: number;
  readonly onProgress?: ProgressFn;
  /** Rebuilding, waiting for another run: one line each; `false` for silence. @default console.log */
  readonly log?: ((line: string) => void) | false;
  /** How long to wait for another run writing the same folder, ms; 0 stops at once naming it. @default Infinity */
  readonly lockWaitMs?: number;
}

const MANIFEST = "manifest.json";
const PROVENANCE = path.join("images", "provenance.json");
/** Bump when the images or this layout change: older caches are then rebuilt. */
const IMAGE_CACHE_VERSION = 2;
const PROCESSING = [
  "spectrogram: scipy.signal.spectrogram defaults, fs=100 Hz, nperseg=64, noverlap=48, periodic tukey(0.25)",
  "log1p, min-max per channel, x255 truncated to uint8; R, G, B = rows 0, 1, 2 (E, N, Z); row 0 = 0 Hz",
];

interface Provenance {
  readonly format: "seismic-xai-image-cache-images";
  readonly key: string;
  readonly dsetDir: string;
}

/** Key of the PNGs made from the D-set whose identity key is `dsetKey`. */
function imagesKeyOf(dsetKey: string): string {
  return cacheKey("seismic-xai/image-cache-images", IMAGE_CACHE_VERSION, PROCESSING, SPECTROGRAM_IMAGE_SHAPE, dsetKey);
}

/**
 * Builds (or completes) the image cache of the D-set in `dsetDir`. Returns the manifest, also written to
 * `<cacheDir>/manifest.json`. Images made from other files or by another version are removed and rebuilt
 * (see the interface comment).
 * @throws InputError naming the folder when the D-set folder is missing or the cache folder is not writable
 *   (before any work); LockBusyError when another run writes the folder and `lockWaitMs` is over
 */
export async function buildImageCache(dsetDir: string, options: BuildImageCacheOptions): Promise<ImageCacheManifest> {
  const identity = dsetIdentity(dsetDir);
  const cacheDir = assertWritableDir(options.cacheDir, "the image cache");
  const log = options.log === undefined ? (line: string) => console.log(line) : options.log;
  const filter = normalizeFilter(options.filter ?? {});
  const imagesKey = imagesKeyOf(identity.key);
  const key = cacheKey("seismic-xai/image-cache-manifest", imagesKey, filter);
  return withLock(lockFileOf(cacheDir), { purpose: "the image cache", waitMs: options.lockWaitMs, log }, () =>
    buildLocked(identity.dir, cacheDir, filter, imagesKey, key, options, log),
  );
}

async function buildLocked(
  dsetDir: string,
  cacheDir: string,
  filter: DSetTraceFilter,
  imagesKey: string,
  key: string,
  options: BuildImageCacheOptions,
  log: ((line: string) => void) | false,
): Promise<ImageCacheManifest> {
  const onProgress = options.onProgress ?? silentProgress;
  const manifestFile = path.join(cacheDir, MANIFEST);
  const imagesDir = path.join(cacheDir, "images");
  const previous = readJsonIfAny<ImageCacheManifest>(manifestFile);
  const provenance = readJsonIfAny<Provenance>(path.join(cacheDir, PROVENANCE));
  const known = new Map<string, ImageCacheResult>();
  if (previous !== null && previous.version === IMAGE_CACHE_VERSION && previous.imagesKey === imagesKey && Array.isArray(previous.entries)) {
    const altered = previous.entries.filter((e) => fileSize(path.join(cacheDir, e.file)) !== e.bytes);
    if (previous.key === key && altered.length === 0) {
      onProgress(previous.entries.length, previous.entries.length, "spectrogram images");
      return restoreNumbers(previous);
    }
    const alteredNames = new Set(altered.map((e) => e.trace_name));
    for (const e of previous.entries) if (!alteredNames.has(e.trace_name)) known.set(e.trace_name, { bytes: e.bytes, chunkCrc32: e.chunkCrc32 });
    if (altered.length > 0 && log) log(`image cache in ${displayPath(cacheDir)}: ${altered.length} cached images are missing or altered; building them again`);
  }
  const imagesExist = fs.existsSync(imagesDir) && fs.readdirSync(imagesDir).length > 0;
  const foreign =
    (previous !== null && previous.imagesKey !== imagesKey) || (provenance !== null && provenance.key !== imagesKey) || (provenance === null && imagesExist);
  withFileSystemErrors(cacheDir, "preparing the image cache", () => {
    if (foreign) {
      // The manifest goes first: a reader must never pair it with images being replaced.
      fs.rmSync(manifestFile, { force: true });
      fs.rmSync(imagesDir, { recursive: true, force: true });
      known.clear();
      if (log) {
        const why = provenance === null && previous === null ? "images of unknown origin (an interrupted build of an older version)" : "images of another data set or version";
        log(`image cache in ${displayPath(cacheDir)}: removed ${why}; building them again from ${displayPath(dsetDir)}`);
      }
    }
    removeTempFiles(imagesDir);
  });
  writeJsonAtomic(path.join(cacheDir, PROVENANCE), { format: "seismic-xai-image-cache-images", key: imagesKey, dsetDir } satisfies Provenance);

  const dset = await openDSet(dsetDir);
  const rows = dset.metadata(filter);
  const readerSkips = dset.skipped.map((s) => ({ file: s.file, trace: s.trace, reason: s.reason }));
  dset.close();
  if (rows.length === 0) throw new InputError(dsetDir, "no usable traces match the filter: nothing to cache");
  const results = new Map<string, ImageCacheResult>();
  const missing = rows.filter((r) => {
    const file = path.join(cacheDir, imageCachePath(r.station, r.trace_name));
    const size = fileSize(file);
    if (size < 0) return true;
    const k = known.get(r.trace_name);
    if (k && k.bytes === size) results.set(r.trace_name, k);
    else {
      // A PNG of a resumed build (same provenance), written atomically: record what it holds.
      const bytes = withFileSystemErrors(file, "reading a cached image", () => fs.readFileSync(file));
      results.set(r.trace_name, { bytes: bytes.length, chunkCrc32: pngChunkCrc32(bytes) });
    }
    return false;
  });
  const skipped = new Map<string, { file: string; trace: string | null; reason: string }>();
  let done = rows.length - missing.length;
  onProgress(done, rows.length, "spectrogram images");
  if (done > 0 && missing.length > 0 && log) log(`image cache in ${displayPath(cacheDir)}: resuming, ${done} of ${rows.length} images already built`);
  await runTraceJobs<ImageCacheParams, ImageCacheResult>(missing, {
    dsetDir,
    params: { cacheDir },
    workerModule: path.join(__dirname, "image-cache-worker"),
    runner: runImageCacheJob,
    workers: options.workers,
    onResult: (name, result) => {
      results.set(name, result);
      onProgress(++done, rows.length, "spectrogram images");
      killPoint("image-cache:png-written");
    },
    onSkip: (s) => {
      skipped.set(s.name, { file: s.file, trace: s.name, reason: s.reason });
      onProgress(++done, rows.length, "spectrogram images");
    },
  });
  const entries: ImageCacheEntry[] = rows
    .filter((r) => !skipped.has(r.trace_name))
    .map((r) => ({
      trace_name: r.trace_name,
      station: r.station,
      period: r.period,
      label: r.label,
      source_id: r.source_id,
      source_magnitude: r.source_magnitude,
      p_travel_sec: r.p_travel_sec,
      distance_km: r.distance_km,
      file: imageCachePath(r.station, r.trace_name),
      bytes: results.get(r.trace_name)!.bytes,
      chunkCrc32: results.get(r.trace_name)!.chunkCrc32,
    }));
  const manifest: ImageCacheManifest = {
    format: "seismic-xai-image-cache",
    version: IMAGE_CACHE_VERSION,
    dsetDir,
    imagesKey,
    key,
    filter,
    shape: SPECTROGRAM_IMAGE_SHAPE as unknown as [number, number, number],
    dimensionOrder: "FTC",
    processing: PROCESSING,
    entries,
    skipped: [...readerSkips, ...skipped.values()],
  };
  killPoint("image-cache:before-manifest");
  writeJsonAtomic(manifestFile, manifest);
  return manifest;
}

function readJsonIfAny<T>(file: string): T | null {
  if (!fs.existsSync(file)) return null;
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as T;
  } catch {
    return null;
  }
}

/** Size of a file, or -1 when there is none. */
function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return -1;
  }
}

/** Temporary PNGs of killed workers (the caller holds the lock, so no live writer owns one). */
function removeTempFiles(dir: string): void {
  if (!fs.existsSync(dir)) return;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) removeTempFiles(p);
    else if (isTempFileName(e.name)) fs.rmSync(p, { force: true });
  }
}

/** Sorted lists, absent keys left out: equal filters give equal keys. */
function normalizeFilter(filter: DSetTraceFilter): DSetTraceFilter {
  const out: Record<string, unknown> = {};
  for (const k of ["stations", "periods", "labels", "names"] as const) {
    const v = filter[k] as readonly unknown[] | undefined;
    if (v !== undefined) out[k] = [...new Set(v)].sort((p, q) => (String(p) < String(q) ? -1 : String(p) > String(q) ? 1 : 0));
  }
  return out as DSetTraceFilter;
}

/** JSON writes NaN as null: the numeric metadata columns read back as NaN, never as 0 or null. */
function restoreNumbers(m: ImageCacheManifest): ImageCacheManifest {
  const num = (v: unknown) => (typeof v === "number" ? v : NaN);
  return {
    ...m,
    entries: m.entries.map((e) => ({ ...e, source_magnitude: num(e.source_magnitude), p_travel_sec: num(e.p_travel_sec), distance_km: num(e.distance_km) })),
  };
}

/**
 * Reads `<cacheDir>/manifest.json`, checked against the D-set it was built from (when that folder is still
 * there): an InputError, saying what to do, when the cache has not been built, was built by another version,
 * or its D-set's files have changed since.
 */
export function readImageCacheManifest(cacheDir: string): ImageCacheManifest {
  const file = path.join(cacheDir, MANIFEST);
  if (!fs.existsSync(file)) {
    const owner = lockHolder(lockFileOf(cacheDir));
    const busy = owner ? ` (${describeOwner(owner)} is building it now: wait for it to finish)` : ": build it with buildImageCache";
    throw new InputError(cacheDir, `no image cache here (manifest.json missing)${busy}`);
  }
  let m: ImageCacheManifest;
  try {
    m = JSON.parse(fs.readFileSync(file, "utf8")) as ImageCacheManifest;
  } catch (e) {
    throw new InputError(file, `cannot be read (${(e as Error).message}): build the cache again with buildImageCache`);
  }
  if (!m || m.format !== "seismic-xai-image-cache") throw new InputError(file, "not an image-cache manifest");
  if (m.version !== IMAGE_CACHE_VERSION) throw new InputError(file, `written by another version of the image cache (version ${m.version}, now ${IMAGE_CACHE_VERSION}): build it again with buildImageCache`);
  if (fs.existsSync(m.dsetDir) && imagesKeyOf(dsetIdentity(m.dsetDir).key) !== m.imagesKey) {
    throw new InputError(cacheDir, `the images were built from other files than the D-set now in ${m.dsetDir} (it changed since): build the cache again with buildImageCache`);
  }
  return restoreNumbers(m);
}

/**
 * Images of the cache as one batch: `images` is n x 33 x 153 x 3 uint8 ("NFTC", channel fastest, row 0 =
 * 0 Hz), with the manifest entries in the same order.
 */
export interface ImageSet {
  readonly n: number;
  readonly images: Uint8Array;
  readonly entries: readonly ImageCacheEntry[];
  readonly shape: readonly [number, number, number];
}

/** PNG colour types whose bytes are channels (1 to 4); a palette image is refused when decoded. */
const CHANNEL_COLOR_TYPES: readonly PngColorType[] = ["grey", "grey-alpha", "rgb", "rgba"];

/**
 * Loads the cached images of the entries that pass `keep` (all by default), in manifest order, checking the
 * manifest (`readImageCacheManifest`) and each PNG's size and chunk checksum against it (the decoder checks each chunk's CRC).
 */
export function loadImageSet(cacheDir: string, keep: (e: ImageCacheEntry) => boolean = () => true): ImageSet {
  const manifest = readImageCacheManifest(cacheDir);
  const entries = manifest.entries.filter(keep);
  const [h, w, c] = manifest.shape;
  const size = h * w * c;
  const images = new Uint8Array(entries.length * size);
  entries.forEach((e, i) => {
    const file = path.join(cacheDir, e.file);
    if (!fs.existsSync(file)) throw new InputError(file, `cached image of ${e.trace_name} is missing: rebuild the cache with buildImageCache`);
    const bytes = withFileSystemErrors(file, "reading a cached image", () => fs.readFileSync(file));
    if (bytes.length !== e.bytes || pngChunkCrc32(bytes) !== e.chunkCrc32) {
      throw new InputError(file, `cached image of ${e.trace_name} is not the one the manifest names (changed since it was written, by another build?): rebuild the cache with buildImageCache`);
    }
    const png = decodePng(bytes, file, { colorTypes: CHANNEL_COLOR_TYPES });
    const channels = PNG_BYTES_PER_PIXEL[png.colorType];
    if (png.width !== w || png.height !== h || channels !== c) {
      throw new InputError(file, `image is ${png.height} x ${png.width} x ${channels}, expected ${h} x ${w} x ${c}`);
    }
    images.set(png.pixels, i * size);
  });
  return { n: entries.length, images, entries, shape: [h, w, c] };
}
