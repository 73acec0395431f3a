/**
 * A long, resumable explanation run: hundreds of spectrograms at 1000 evaluations each take hours, so the
 * results are written chunk by chunk and a restarted run continues where the last one stopped.
 *
 * Files: each finished chunk of images goes atomically (lib/core/atomic) to `<outFile>.parts/part-<start>-<end>.json`;
 * when every image is done the whole Explanation goes atomically to `outFile` and the parts are removed. Arrays
 * are stored exactly, DEFLATE-compressed (Explanation.toJSON's "deflate": about 24 kB per 33×153×3 image at
 * 1000 evaluations instead of 325 kB as plain base64).
 * Every file records a fingerprint of the run (explain options, explainer settings, sample shape, count and a
 * hash of the image bytes); files with another fingerprint are refused rather than mixed in. A resumed run
 * gives the same values as an uninterrupted one: each image is explained independently, and seeded
 * tie-breaks are drawn per global image index (`sampleIndexOffset`). The model itself cannot be fingerprinted:
 * use a new outFile for a new model.
 */
import fs from "node:fs";
import path from "node:path";
import { writeJsonAtomic } from "../../core/atomic";
import { InputError } from "../../core/errors";
import type { ProgressFn } from "../../core/progress";
import { hashString } from "../../core/rng";
import type { FloatArray } from "../explainer";
import { Explanation, type ExplanationJson } from "../explanation";
import type { PartitionExplainer, PartitionExplainOptions } from "./partition-explainer";

/** Where and how a run is written. */
export interface ExplainRunOptions {
  /** The final results file (JSON); parts go to `<outFile>.parts/`. */
  readonly outFile: string;
  /** Images per chunk (one atomic write each). @default 16 */
  readonly batchImages?: number;
  /**
   * Progress over the whole run, in model evaluations as the explainer counts them (maxEvals per image, so the
   * total is n x maxEvals from the start): updated during every chunk, and at once for parts read back.
   */
  readonly onProgress?: ProgressFn;
  /** Keep the part files after the final file is written. @default false */
  readonly keepParts?: boolean;
}

const RUN_FORMAT = "seismic-xai/explain-run";

interface RunFile {
  readonly format: typeof RUN_FORMAT;
  readonly fingerprint: string;
  readonly start: number;
  readonly end: number;
  readonly explanation: ExplanationJson;
}

/**
 * Explains `n` images (n x sampleShape, as PartitionExplainer.explain) into `run.outFile`, resuming from the
 * parts a previous, interrupted call left behind; returns the complete Explanation (with the model evaluations
 * of every image, `evalCounts`, when every part recorded them). If `outFile` already holds this run, it is read
 * back without calling the model.
 */
export async function explainToFile(
  explainer: PartitionExplainer,
  images: FloatArray,
  n: number,
  options: PartitionExplainOptions,
  run: ExplainRunOptions,
): Promise<Explanation> {
  const where = "explainToFile";
  const batchImages = run.batchImages ?? 16;
  if (!Number.isInteger(batchImages) || batchImages < 1) throw new InputError(where, `batchImages must be a positive integer, got ${batchImages}`);
  if (!run.outFile) throw new InputError(where, "outFile is required");
  const sampleLength = explainer.masker.nFeatures;
  if (!Number.isInteger(n) || n < 1 || images.length !== n * sampleLength) {
    throw new InputError(where, `images must hold n x ${explainer.masker.sampleShape.join(" x ")} values with n >= 1; got ${images.length} values for n = ${n}`);
  }
  const fingerprint = runFingerprint(explainer, images, n, options);
  const perImage = options.maxEvals ?? 500;
  const report = run.onProgress;
  const total = n * perImage;
  const outFile = path.resolve(run.outFile);
  const partsDir = `${outFile}.parts`;

  if (fs.existsSync(outFile)) {
    const done = readRunFile(outFile, fingerprint);
    if (done.start !== 0 || done.end !== n) throw new InputError(outFile, `holds images ${done.start}..${done.end - 1}, not the whole run of ${n}`);
    report?.(total, total, "already done");
    return Explanation.fromJSON(done.explanation);
  }

  // Parts of an earlier attempt, by start index; ranges that do not fit the walk below are ignored.
  const parts = new Map<number, { end: number; file: string }>();
  if (fs.existsSync(partsDir)) {
    for (const name of fs.readdirSync(partsDir)) {
      const m = /^part-(\d+)-(\d+)\.json$/.exec(name);
      if (!m) continue;
      const file = path.join(partsDir, name);
      const start = Number(m[1]);
      const end = Number(m[2]);
      if (end <= start || end > n) continue;
      const previous = parts.get(start);
      if (!previous || previous.end < end) parts.set(start, { end, file });
    }
  }

  const pieces: Explanation[] = [];
  let pos = 0;
  while (pos < n) {
    const existing = parts.get(pos);
    if (existing) {
      const part = readRunFile(existing.file, fingerprint);
      if (part.start !== pos || part.end !== existing.end) throw new InputError(existing.file, `its name says ${pos}..${existing.end} but it holds ${part.start}..${part.end}`);
      pieces.push(Explanation.fromJSON(part.explanation));
      pos = existing.end;
      report?.(pos * perImage, total, `images 0..${pos - 1} read back`);
      continue;
    }
    // Stop a new chunk at the next existing part so that finished work is reused, not redone.
    let end = Math.min(n, pos + batchImages);
    for (const start of parts.keys()) if (start > pos && start < end) end = start;
    const chunk = images.subarray(pos * sampleLength, end * sampleLength) as FloatArray;
    const first = pos;
    const onProgress: ProgressFn | undefined = report ? (done) => report(first * perImage + done, total, `images ${first}..${end - 1}`) : options.onProgress;
    const expl = await explainer.explain(chunk, end - pos, { ...options, onProgress, sampleIndexOffset: (options.sampleIndexOffset ?? 0) + pos });
    const file = path.join(partsDir, `part-${pos}-${end}.json`);
    writeJsonAtomic(file, { format: RUN_FORMAT, fingerprint, start: pos, end, explanation: expl.toJSON({ encoding: "deflate" }) } satisfies RunFile);
    pieces.push(expl);
    pos = end;
    report?.(pos * perImage, total, `images 0..${pos - 1} written`);
  }
  const all = Explanation.concat(pieces);
  writeJsonAtomic(outFile, { format: RUN_FORMAT, fingerprint, start: 0, end: n, explanation: all.toJSON({ encoding: "deflate" }) } satisfies RunFile);
  if (!run.keepParts) fs.rmSync(partsDir, { recursive: true, force: true });
  return all;
}

function readRunFile(file: string, fingerprint: string): RunFile {
  let parsed: RunFile;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8")) as RunFile;
  } catch (e) {
    throw new InputError(file, `cannot be read as a run file (${e instanceof Error ? e.message : String(e)}); delete it to recompute`);
  }
  if (!parsed || parsed.format !== RUN_FORMAT) throw new InputError(file, `is not a ${RUN_FORMAT} file`);
  if (parsed.fingerprint !== fingerprint) {
    throw new InputError(file, "was written by a run with other images or options; delete it (and its .parts folder) or choose another outFile");
  }
  return parsed;
}

/** A digest of everything that determines the values of a run. */
function runFingerprint(explainer: PartitionExplainer, images: FloatArray, n: number, options: PartitionExplainOptions): string {
  const settings = JSON.stringify({
    maxEvals: options.maxEvals ?? 500,
    batchSize: options.batchSize ?? 10,
    outputs: options.outputs ?? "all",
    tieBreak: options.tieBreak ?? "fifo",
    sampleIndexOffset: options.sampleIndexOffset ?? 0,
    batchDtype: explainer.batchDtype,
    outputNames: explainer.outputNames,
    sampleShape: explainer.masker.sampleShape,
    masker: explainer.masker.describe ? explainer.masker.describe() : explainer.masker.constructor.name,
    n,
  });
  return `${hashString(settings).toString(16)}-${hashBytes(images).toString(16)}`;
}

/** FNV-1a over the bytes of the images as float64 (so float32 and float64 copies of the same values agree). */
function hashBytes(images: FloatArray): number {
  const chunk = new Float64Array(4096);
  const bytes = new Uint8Array(chunk.buffer);
  let h = 0x811c9dc5;
  for (let at = 0; at < images.length; at += chunk.length) {
    const len = Math.min(chunk.length, images.length - at);
    for (let i = 0; i < len; i++) chunk[i] = images[at + i];
    for (let b = 0; b < len * 8; b++) {
      h ^= bytes[b];
      h = Math.imul(h, 0x01000193);
    }
  }
  return h >>> 0;
}
