import path from "node:path";
import { writeFileAtomic } from "../core/atomic";
import { InputError } from "../core/errors";
import { openDSet } from "../data/index";
import type { TraceJob, TraceJobMessage } from "../data/trace-jobs";
import { imageCachePath, ImageCacheParams, ImageCacheResult, pngChunkCrc32 } from "./image-cache-layout";
import { encodePng } from "../core/png";
import { SPECTROGRAM_IMAGE_HEIGHT, SPECTROGRAM_IMAGE_SIZE, SPECTROGRAM_IMAGE_WIDTH, spectrogramImage } from "./spectrogram-image";

/**
 * One worker's share of the image cache: opens the D-set (only the job's stations) and, per trace, computes
 * the spectrogram image and writes its PNG atomically, reporting its size and chunk checksum. A trace that cannot be read or imaged (NaN samples,
 * a bad shape) is reported as a skip naming the file and trace; any other error aborts the job.
 */
export async function runImageCacheJob(job: TraceJob<ImageCacheParams>, post: (m: TraceJobMessage<ImageCacheResult>) => void): Promise<void> {
  const dset = await openDSet(job.dsetDir, { stations: job.stations });
  const out = new Uint8Array(SPECTROGRAM_IMAGE_SIZE);
  try {
    for (const name of job.names) {
      let station: string;
      try {
        const trace = await dset.readTrace(name);
        spectrogramImage(trace, { output: out });
        station = trace.station;
      } catch (e) {
        if (e instanceof InputError) {
          post({ kind: "skip", name, file: e.where, reason: e.message });
          continue;
        }
        throw e;
      }
      const png = encodePng({ width: SPECTROGRAM_IMAGE_WIDTH, height: SPECTROGRAM_IMAGE_HEIGHT, colorType: "rgb", pixels: out });
      writeFileAtomic(path.join(job.params.cacheDir, imageCachePath(station, name)), png);
      post({ kind: "result", name, result: { bytes: png.length, chunkCrc32: pngChunkCrc32(png) } });
    }
  } finally {
    dset.close();
  }
}
