import fs from "node:fs";
import path from "node:path";

/** The repository root: the nearest folder above this file holding package.json named seismic-xai. */
export function repoRoot(): string {
  let dir = path.resolve(__dirname);
  for (;;) {
    const pkg = path.join(dir, "package.json");
    if (fs.existsSync(pkg)) {
      try {
        if (JSON.parse(fs.readFileSync(pkg, "utf8")).name === "seismic-xai") return dir;
      } catch {
        // not ours; keep walking up
      }
    }
    const up = path.dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}

/** `data/` under the repository root (generated data, git-ignored). */
export function dataDir(): string {
  return process.env.SEISMIC_XAI_DATA ? path.resolve(process.env.SEISMIC_XAI_DATA) : path.join(repoRoot(), "data");
}

/** Folder of the generated default D-set: `data/dset` (or `$SEISMIC_XAI_DSET`). */
export function defaultDSetDir(): string {
  return process.env.SEISMIC_XAI_DSET ? path.resolve(process.env.SEISMIC_XAI_DSET) : path.join(dataDir(), "dset");
}

/** `data/cache/<name>`: images, weights, SHAP arrays. */
export function cacheDir(name = ""): string {
  return path.join(dataDir(), "cache", name);
}

/** `results/` under the repository root. */
export function resultsDir(): string {
  return path.join(repoRoot(), "results");
}

