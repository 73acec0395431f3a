import fs from "node:fs";
import path from "node:path";
import { writeJsonAtomic } from "../core/atomic";
import { InputError } from "../core/errors";
import { ProgressFn, silentProgress } from "../core/progress";
import { DSetTraceFilter, openDSet } from "../data/index";
import { dsetFingerprint, runTraceJobs } from "../data/trace-jobs";
import { decodePng, PNG_BYTES_PER_PIXEL, type PngColorType } from "../core/png";
import { SPECTROGRAM_IMAGE_SHAPE } from "./spectrogram-image";
import { runImageCacheJob } from "./image-cache-job";
import { imageCachePath, ImageCacheParams } from "./image-cache-layout";

export { imageCachePath } from "./image-cache-layout";

/**
 * The spectrogram-image cache of a whole data set: one 33 x 153 x 3 PNG per trace (the paper saved PNGs
 * too), at `<cacheDir>/images/<station>/<trace_name>.png`, plus `manifest.json` listing every cached trace
 * with its station, period, label and the metadata the experiments need. The manifest is
 * split-independent: splits are made later from its rows, so one cache serves every experiment.
 *
 * Built with one worker thread per core, each opening the D-set itself and handling whole stations'
 * traces; every PNG is written atomically, so an interrupted build resumes by skipping the PNGs that exist.
 */
export interface ImageCacheEntry {
  readonly trace_name: string;
  readonly station: string;
  readonly period: string;
  readonly label: 0 | 1 | null;
  readonly source_id: string;
  readonly source_magnitude: number;
  readonly p_travel_sec: number;
  readonly distance_km: number;
  /** PNG path relative to the cache folder. */
  readonly file: string;
}

export interface ImageCacheManifest {
  readonly format: "seismic-xai-image-cache";
  readonly version: 1;
  readonly dsetDir: string;
  /** Identifies the data set's files (name, size, mtime); a different data set invalidates the cache. */
  readonly fingerprint: string;
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
}

const MANIFEST = "manifest.json";

/**
 * Builds (or completes) the image cache of the D-set in `dsetDir`. Returns the manifest, also written to
 * `<cacheDir>/manifest.json`. A cache built from other files (fingerprint mismatch) is rebuilt.
 */
export async function buildImageCache(dsetDir: string, options: BuildImageCacheOptions): Promise<ImageCacheManifest> {
  const { cacheDir } = options;
  const onProgress = options.onProgress ?? silentProgress;
  const dset = await openDSet(dsetDir);
  const fingerprint = dsetFingerprint(dsetDir);
  const previous = readManifestIfAny(cacheDir);
  if (previous && previous.fingerprint !== fingerprint) {
    fs.rmSync(path.join(cacheDir, "images"), { recursive: true, force: true });
  }
  const rows = dset.metadata(options.filter ?? {});
  const readerSkips = dset.skipped.map((s) => ({ file: s.file, trace: s.trace, reason: s.reason }));
  dset.close();
  if (rows.length === 0) throw new InputError(dsetDir, "no usable traces match the filter: nothing to cache");
  const missing = rows.filter((r) => !fs.existsSync(path.join(cacheDir, imageCachePath(r.station, r.trace_name))));
  const skipped = new Map<string, { file: string; trace: string | null; reason: string }>();
  onProgress(rows.length - missing.length, rows.length, "spectrogram images");
  let done = rows.length - missing.length;
  await runTraceJobs<ImageCacheParams, null>(missing, {
    dsetDir,
    params: { cacheDir },
    workerModule: path.join(__dirname, "image-cache-worker"),
    runner: runImageCacheJob,
    workers: options.workers,
    onResult: () => onProgress(++done, rows.length, "spectrogram images"),
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
    }));
  const manifest: ImageCacheManifest = {
    format: "seismic-xai-image-cache",
    version: 1,
    dsetDir: path.resolve(dsetDir),
    fingerprint,
    shape: SPECTROGRAM_IMAGE_SHAPE as unknown as [number, number, number],
    dimensionOrder: "FTC",
    processing: [
      "spectrogram: scipy.signal.spectrogram defaults, fs=100 Hz, nperseg=64, noverlap=48, periodic tukey(0.25)",
      "log1p, min-max per channel, x255 truncated to uint8; R, G, B = rows 0, 1, 2 (E, N, Z); row 0 = 0 Hz",
    ],
    entries,
    skipped: [...readerSkips, ...skipped.values()],
  };
  writeJsonAtomic(path.join(cacheDir, MANIFEST), manifest);
  return manifest;
}

function readManifestIfAny(cacheDir: string): ImageCacheManifest | null {
  const file = path.join(cacheDir, MANIFEST);
  if (!fs.existsSync(file)) return null;
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as ImageCacheManifest;
  } catch {
    return null;
  }
}

/** Reads `<cacheDir>/manifest.json`; an InputError when the cache has not been built. */
export function readImageCacheManifest(cacheDir: string): ImageCacheManifest {
  const file = path.join(cacheDir, MANIFEST);
  if (!fs.existsSync(file)) throw new InputError(cacheDir, "no image cache here (manifest.json missing): build it with buildImageCache");
  const m = JSON.parse(fs.readFileSync(file, "utf8")) as ImageCacheManifest;
  if (m.format !== "seismic-xai-image-cache") throw new InputError(file, "not an image-cache manifest");
  return m;
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

/** Loads the cached images of the entries that pass `keep` (all by default), in manifest order. */
export function loadImageSet(cacheDir: string, keep: (e: ImageCacheEntry) => boolean = () => true): ImageSet {
  const manifest = readImageCacheManifest(cacheDir);
  const entries = manifest.entries.filter(keep);
  const [h, w, c] = manifest.shape;
  const size = h * w * c;
  const images = new Uint8Array(entries.length * size);
  entries.forEach((e, i) => {
    const file = path.join(cacheDir, e.file);
    if (!fs.existsSync(file)) throw new InputError(file, `cached image of ${e.trace_name} is missing: rebuild the cache`);
    const png = decodePng(fs.readFileSync(file), file, { colorTypes: CHANNEL_COLOR_TYPES });
    const channels = PNG_BYTES_PER_PIXEL[png.colorType];
    if (png.width !== w || png.height !== h || channels !== c) {
      throw new InputError(file, `image is ${png.height} x ${png.width} x ${channels}, expected ${h} x ${w} x ${c}`);
    }
    images.set(png.pixels, i * size);
  });
  return { n: entries.length, images, entries, shape: [h, w, c] };
}
