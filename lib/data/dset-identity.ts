import fs from "node:fs";
import path from "node:path";
import { cacheKey, fileDigest } from "../core/cache-key";
import { InputError } from "../core/errors";
import { withFileSystemErrors } from "../core/fs-errors";
import { DSET_MAX_DEPTH } from "./dset-discovery";

/** What a D-set folder holds, for the keys of the caches made from it (`dsetIdentity`). */
export interface DSetIdentity {
  /** The absolute folder. */
  readonly dir: string;
  /** SHA-256 over the files below: equal keys, same data. */
  readonly key: string;
  /** The data files (relative paths, sorted) with their sizes and digests. */
  readonly files: readonly { readonly file: string; readonly bytes: number; readonly digest: string }[];
}

/** Data files of a D-set folder: CSVs, HDF5 files and archives (any layout reader may find). */
const DATA_FILE = /\.(csv|hdf5|h5|hdf|zip|tar|tgz|gz)$/i;
/** Folders below the D-set folder looked into: as deep as `discoverDSet` looks (root/top/STA/file and one more). */
const MAX_DEPTH = DSET_MAX_DEPTH - 1;

/**
 * The identity of the data set in `dir`, for cache keys: every data file (CSV, HDF5 or archive, in the
 * folder and the sub-folders `discoverDSet` searches, hidden names and temporary files left out) with its size and
 * a digest: the whole content of each CSV (the metadata, small), and size, modification time and the first
 * and last 64 KiB of the others (gigabytes of waveforms; lib/core/cache-key `fileDigest`). A regenerated
 * set (another seed), another download unpacked in the same folder, an edited CSV or an added station all
 * change the key. Digests are remembered per process while a file is unchanged, so asking again is cheap.
 * @throws InputError naming the folder when it does not exist or is not a folder
 */
export function dsetIdentity(dir: string): DSetIdentity {
  const abs = path.resolve(dir);
  if (!fs.existsSync(abs)) throw new InputError(abs, "no such folder: point SEISMIC_XAI_DSET (or the dsetDir argument) at the unpacked D-set, or generate it with npm run data");
  if (!fs.statSync(abs).isDirectory()) throw new InputError(abs, "is a file, not a folder: pass the D-set folder that holds the <STA>_waveforms_<period>.hdf5 and <STA>_attributes_<period>.csv files");
  const files: { file: string; bytes: number; digest: string }[] = [];
  const walk = (rel: string, depth: number): void => {
    const here = path.join(abs, rel);
    const entries = withFileSystemErrors(here, "listing the D-set folder", () => fs.readdirSync(here, { withFileTypes: true }));
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (e.name.startsWith(".") || e.name.endsWith(".tmp")) continue;
      const relName = rel === "" ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) {
        if (depth < MAX_DEPTH) walk(relName, depth + 1);
      } else if ((e.isFile() || e.isSymbolicLink()) && DATA_FILE.test(e.name)) {
        const full = path.join(abs, relName);
        const st = withFileSystemErrors(full, "reading the D-set", () => fs.statSync(full));
        if (!st.isFile()) continue;
        files.push({ file: relName, bytes: st.size, digest: fileDigest(full, /\.csv$/i.test(e.name) ? "content" : "quick") });
      }
    }
  };
  walk("", 0);
  return { dir: abs, key: cacheKey("seismic-xai/dset-identity", 1, files), files };
}
