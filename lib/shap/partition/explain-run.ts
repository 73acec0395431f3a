/**
 * A long, resumable explanation run: hundreds of spectrograms at 1000 evaluations each take hours, so the
 * results are written chunk by chunk and a restarted run continues where the last one stopped.
 *
 * Files: each finished chunk of images goes atomically (lib/core/atomic) to `<outFile>.parts/part-<start>-<end>.json`;
 * when every image is done the whole Explanation goes atomically to `outFile` and the parts are removed. Arrays
 * are stored exactly, DEFLATE-compressed (Explanation.toJSON's "deflate": about 24 kB per 33×153×3 image at
 * 1000 evaluations instead of 325 kB as plain base64).
 * Every file records a fingerprint of the run: a SHA-256 over the explain options, the explainer settings,
 * the sample shape, the count, the images' values and the caller's `key` for what this module cannot see
 * (the model: lib/pipeline passes a hash of its weights). Files with another fingerprint are never mixed in:
 * a finished file of another run is recomputed and replaced, parts of another run are removed, and the log
 * says so. A file at `outFile` that is not a run file is refused (it may be someone's data). A resumed run
 * gives the same values as an uninterrupted one: each image is explained independently, and seeded
 * tie-breaks are drawn per global image index (`sampleIndexOffset`). The folder is checked for writability
 * before the first image is explained, and one run at a time writes an outFile (`<outFile>.lock`,
 * lib/core/cache-lock): a second one waits, with a message, and then reads the result.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { writeJsonAtomic } from "../../core/atomic";
import { withLock } from "../../core/cache-lock";
import { InputError } from "../../core/errors";
import { assertWritableDir, withFileSystemErrors } from "../../core/fs-errors";
import type { ProgressFn } from "../../core/progress";
import type { FloatArray } from "../explainer";
import { Explanation, type ExplanationJson } from "../explanation";
import type { PartitionExplainer, PartitionExplainOptions } from "./partition-explainer";
import { displayPath } from "../../core/display-path";

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
  /**
   * What else the values depend on that the images and options do not show, above all the model (e.g. a
   * hash of its weights): part of the run's fingerprint, so a run with another model is never mixed in.
   */
  readonly key?: string;
  /** Recomputing, removing parts of another run, waiting for another run: one line each; `false` for silence. @default console.log */
  readonly log?: ((line: string) => void) | false;
  /** How long to wait for another run writing the same outFile, ms; 0 stops at once naming it. @default Infinity */
  readonly lockWaitMs?: number;
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
  const fingerprint = runFingerprint(explainer, images, n, options, run.key ?? "");
  const outFile = path.resolve(run.outFile);
  const partsDir = `${outFile}.parts`;
  const perImage = options.maxEvals ?? 500;
  const report = run.onProgress;
  const total = n * perImage;
  const log = run.log === undefined ? (line: string) => console.log(line) : run.log;
  assertWritableDir(path.dirname(outFile), "the explanation");
  return withLock(`${outFile}.lock`, { purpose: "this explanation", waitMs: run.lockWaitMs, log }, async () => {
    if (fs.existsSync(outFile)) {
      const done = readRunFile(outFile);
      if (done === null) {
        if (log) log(`${displayPath(outFile)} cannot be read as a run file: computing the run again`);
      } else if (done.fingerprint !== fingerprint) {
        if (log) log(`${displayPath(outFile)} holds a run of other images, options or model: computing this run and replacing it`);
      } else {
        if (done.start !== 0 || done.end !== n) throw new InputError(outFile, `holds images ${done.start}..${done.end - 1}, not the whole run of ${n}`);
        report?.(total, total, "already done");
        return Explanation.fromJSON(done.explanation);
      }
    }

    // Parts of an earlier attempt, by start index; ranges that do not fit the walk below are ignored, parts of
    // another run (or unreadable) are removed.
    const parts = new Map<number, { end: number; part: RunFile }>();
    let removed = 0;
    if (fs.existsSync(partsDir)) {
      withFileSystemErrors(partsDir, "reading the parts of an interrupted run", () => {
        for (const name of fs.readdirSync(partsDir)) {
          const file = path.join(partsDir, name);
          const m = /^part-(\d+)-(\d+)\.json$/.exec(name);
          if (!m) {
            if (/\.tmp$/.test(name)) fs.rmSync(file, { force: true });
            continue;
          }
          const start = Number(m[1]);
          const end = Number(m[2]);
          const part = readRunFile(file);
          if (part === null || part.fingerprint !== fingerprint || part.start !== start || part.end !== end) {
            fs.rmSync(file, { force: true });
            removed++;
            continue;
          }
          if (end <= start || end > n) continue;
          const previous = parts.get(start);
          if (!previous || previous.end < end) parts.set(start, { end, part });
        }
      });
    }
    if (removed > 0 && log) log(`${displayPath(partsDir)}: removed ${removed} part file(s) of a run with other images, options or model`);

    const pieces: Explanation[] = [];
    let pos = 0;
    while (pos < n) {
      const existing = parts.get(pos);
      if (existing) {
        pieces.push(Explanation.fromJSON(existing.part.explanation));
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
    if (!run.keepParts) withFileSystemErrors(partsDir, "removing the parts of the finished run", () => fs.rmSync(partsDir, { recursive: true, force: true }));
    return all;
  });
}

/**
 * A run file, or null when `file` cannot be parsed (a part: removed and recomputed); throws for a parsable
 * file of another format at `outFile`, which may be someone's data.
 */
function readRunFile(file: string): RunFile | null {
  let parsed: RunFile;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8")) as RunFile;
  } catch {
    return null;
  }
  if (!parsed || parsed.format !== RUN_FORMAT) throw new InputError(file, `is not a ${RUN_FORMAT} file: choose another outFile (or delete it)`);
  return parsed;
}

/** SHA-256 of everything that determines the values of a run. */
function runFingerprint(explainer: PartitionExplainer, images: FloatArray, n: number, options: PartitionExplainOptions, key: string): string {
  const settings = JSON.stringify({
    version: 2,
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
    key,
  });
  const hash = createHash("sha256").update(settings);
  // The values as float64, so float32 and float64 copies of the same images agree.
  const chunk = new Float64Array(4096);
  for (let at = 0; at < images.length; at += chunk.length) {
    const len = Math.min(chunk.length, images.length - at);
    for (let i = 0; i < len; i++) chunk[i] = images[at + i];
    hash.update(new Uint8Array(chunk.buffer, 0, len * 8));
  }
  return hash.digest("hex");
}
