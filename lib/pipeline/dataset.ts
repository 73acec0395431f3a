import fs from "node:fs";
import { InputError } from "../core/errors";
import { ProgressFn } from "../core/progress";
import { DSet, openDSet } from "../data/dset-reader";
import { generateNorciaDataset, DSetScale } from "../data/generator";

/** What `ensureDataset` found or made. */
export interface EnsuredDataset {
  readonly dir: string;
  /** "generated" (written now), "reused" (a matching generated set was there), or "user" (a user's folder). */
  readonly origin: "generated" | "reused" | "user";
  readonly dset: DSet;
}

/**
 * The data set the pipeline runs on. With `scale` null, `dir` is a user's folder (the real D-set download)
 * and must exist; otherwise the seeded generator writes the embedded data set there, or reuses it when a
 * finished set with the same seed and scale is already in place (the generator's manifest decides). Returns
 * the opened set; close it when done.
 */
export async function ensureDataset(options: { dir: string; scale: DSetScale | null; seed?: number; progress?: ProgressFn }): Promise<EnsuredDataset> {
  const { dir, scale } = options;
  if (scale === null) {
    if (!fs.existsSync(dir)) throw new InputError(dir, "no such folder: point SEISMIC_XAI_DSET at the unpacked D-set download");
    return { dir, origin: "user", dset: await openDSet(dir) };
  }
  const report = await generateNorciaDataset({ outDir: dir, seed: options.seed ?? 42, scale, progress: options.progress });
  return { dir, origin: report.reused ? "reused" : "generated", dset: await openDSet(dir) };
}
