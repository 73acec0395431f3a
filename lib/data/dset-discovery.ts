/**
 * Finding the D-set's files in a folder as a user has it after unpacking the download (data/README.md,
 * "Files, and the layouts the reader finds"): flat (every file in the folder), one folder per station (`<root>/<STA>/<STA>_waveforms_<period>.hdf5`,
 * the paper authors' own layout), either of these under an extra top folder (the archive's own name), and
 * the Zenodo `waveforms` and Laurenti's `catalog` names mixed. Files are paired by station and period
 * wherever they sit below the root.
 *
 * What is not a usable folder is an `InputError` that says what to do: a missing path, a file instead of a
 * folder, an archive that was not unpacked (with the command that unpacks it), a folder whose generation was
 * interrupted (`generator.partial.json`), two copies of one station-period file, and a folder without any
 * pair. Everything else that was seen and not used is listed with the reason, paths relative to the root.
 */
import fs from "node:fs";
import path from "node:path";
import { InputError } from "../core/errors";
import { DSET_PERIODS, DSetPeriod } from "./sequence";
import { DSetFileName, parseDSetFileName } from "./dset-files";

/** How deep below the root files are looked for: root/top/STA/file is depth 3; one more level is allowed. */
export const DSET_MAX_DEPTH = 4;

/** The generator's manifests (lib/data/generator.ts): written last when finished, present while working. */
export const GENERATOR_MANIFEST = "generator.json";
export const GENERATOR_PARTIAL = "generator.partial.json";

/** A file named like a D-set file, found below the root. */
export interface DSetFoundFile extends DSetFileName {
  /** Absolute path. */
  readonly path: string;
  /** Path relative to the root, with "/" separators. */
  readonly relPath: string;
}

/** A file or folder that was seen and not used, and why. */
export interface DSetIgnored {
  /** Absolute path. */
  readonly file: string;
  /** Relative to the root, "/" separators; a folder ends with "/". */
  readonly relPath: string;
  readonly reason: string;
}

/** An archive found below the root, with the shell command that unpacks it in place. */
export interface DSetArchive {
  readonly file: string;
  readonly relPath: string;
  readonly command: string;
}

/** Everything `scanDSetFolder` saw. */
export interface DSetScan {
  /** The folder, absolute. */
  readonly root: string;
  /** Every file named like a D-set file, sorted by relative path. */
  readonly found: readonly DSetFoundFile[];
  readonly ignored: readonly DSetIgnored[];
  readonly archives: readonly DSetArchive[];
  /** `generator.partial.json` files (absolute paths): a generator run that has not finished. */
  readonly generatorPartials: readonly string[];
}

/** A station-period pair of files. */
export interface DSetDiscoveredPair {
  readonly station: string;
  readonly period: DSetPeriod;
  /** Absolute paths. */
  readonly waveformsPath: string;
  readonly attributesPath: string;
}

/** What `discoverDSet` found: the pairs in use, what was not used, and the layout in words. */
export interface DSetDiscovery {
  readonly root: string;
  /** Sorted by station, then period in time order. */
  readonly pairs: readonly DSetDiscoveredPair[];
  /** D-set files found (all stations and periods, also those the options left out). */
  readonly found: readonly DSetFoundFile[];
  readonly ignored: readonly DSetIgnored[];
  readonly archives: readonly DSetArchive[];
  /** "flat", "one folder per station", "... under <top>/", or "mixed folders". */
  readonly layout: string;
}

/** Which stations and periods to pair (others are found but not paired). */
export interface DiscoverDSetOptions {
  readonly stations?: readonly string[];
  readonly periods?: readonly DSetPeriod[];
}

const ARCHIVES: readonly { re: RegExp; command: (file: string, dir: string) => string }[] = [
  { re: /\.zip$/i, command: (f, d) => `unzip ${sh(f)} -d ${sh(d)}` },
  { re: /\.(tar\.gz|tgz)$/i, command: (f, d) => `tar -xzf ${sh(f)} -C ${sh(d)}` },
  { re: /\.(tar\.bz2|tbz2?)$/i, command: (f, d) => `tar -xjf ${sh(f)} -C ${sh(d)}` },
  { re: /\.(tar\.xz|txz)$/i, command: (f, d) => `tar -xJf ${sh(f)} -C ${sh(d)}` },
  { re: /\.tar\.zst$/i, command: (f, d) => `tar --zstd -xf ${sh(f)} -C ${sh(d)}` },
  { re: /\.tar$/i, command: (f, d) => `tar -xf ${sh(f)} -C ${sh(d)}` },
  { re: /\.7z$/i, command: (f, d) => `7z x ${sh(f)} -o${sh(d)}` },
  { re: /\.gz$/i, command: (f) => `gunzip -k ${sh(f)}` },
  { re: /\.bz2$/i, command: (f) => `bunzip2 -k ${sh(f)}` },
  { re: /\.xz$/i, command: (f) => `unxz -k ${sh(f)}` },
];

const INCOMPLETE_DOWNLOAD = /\.(part|crdownload|download|partial)$/i;
/** Files that are part of a D-set folder's normal life and not worth listing. */
const QUIET = /^(generator\.json|\.DS_Store|Thumbs\.db|desktop\.ini)$|\.tmp$|^readme/i;
/** Folders never searched. */
const SKIP_DIRS = /^(\..*|__MACOSX|node_modules)$/;
/** A folder with no D-set file and more than this many other files is listed as one entry. */
const MANY_FILES = 5;

/** The shell command that unpacks `file` into the folder holding it, or null if it is not an archive. */
export function unpackCommand(file: string): string | null {
  const a = ARCHIVES.find((x) => x.re.test(file));
  return a ? a.command(file, path.dirname(file)) : null;
}

/**
 * Lists what is below `dir` (at most `DSET_MAX_DEPTH` levels): files named like D-set files, archives,
 * generator manifests of an unfinished run, and everything else as ignored with the reason. Symbolic links
 * are followed. An `InputError` if `dir` is missing, unreadable, a file, or an archive (naming the command
 * that unpacks it).
 */
export function scanDSetFolder(dir: string): DSetScan {
  const root = path.resolve(dir);
  assertFolder(root);
  const found: DSetFoundFile[] = [];
  const ignored: DSetIgnored[] = [];
  const archives: DSetArchive[] = [];
  const partials: string[] = [];
  const walk = (abs: string, rel: string, depth: number): void => {
    let entries: string[];
    try {
      entries = fs.readdirSync(abs).sort();
    } catch (e) {
      if (depth === 0) throw new InputError(root, `cannot list the D-set folder (${errorCode(e)})`);
      ignored.push({ file: abs, relPath: `${rel}/`, reason: `cannot list this folder (${errorCode(e)})` });
      return;
    }
    const here: DSetIgnored[] = [];
    let nDSetFiles = 0;
    const subdirs: [string, string][] = [];
    for (const name of entries) {
      const file = path.join(abs, name);
      const relPath = rel ? `${rel}/${name}` : name;
      let st: fs.Stats;
      try {
        st = fs.statSync(file);
      } catch (e) {
        here.push({ file, relPath, reason: isBrokenLink(file) ? "a broken link" : `cannot read (${errorCode(e)})` });
        continue;
      }
      if (st.isDirectory()) {
        if (SKIP_DIRS.test(name)) continue;
        if (depth + 1 >= DSET_MAX_DEPTH) {
          ignored.push({ file, relPath: `${relPath}/`, reason: `not searched: more than ${DSET_MAX_DEPTH} folder levels below the root` });
        } else subdirs.push([file, relPath]);
        continue;
      }
      if (!st.isFile()) continue;
      const parsed = parseDSetFileName(name);
      if (parsed) {
        nDSetFiles++;
        if (st.size === 0) {
          here.push({ file, relPath, reason: "empty file (an interrupted copy or download?)" });
          continue;
        }
        found.push({ ...parsed, path: file, relPath });
        continue;
      }
      if (name === GENERATOR_PARTIAL) {
        partials.push(file);
        continue;
      }
      if (QUIET.test(name) || name.startsWith(".")) continue;
      const command = unpackCommand(file);
      if (command) {
        archives.push({ file, relPath, command });
        continue;
      }
      here.push({
        file,
        relPath,
        reason: INCOMPLETE_DOWNLOAD.test(name) ? "an unfinished download: let it finish (or download it again)" : "not a D-set file name",
      });
    }
    if (nDSetFiles === 0 && here.length > MANY_FILES) {
      ignored.push({ file: abs, relPath: rel ? `${rel}/` : "./", reason: `${here.length} files, none named like a D-set file` });
    } else ignored.push(...here);
    for (const [file, relPath] of subdirs) walk(file, relPath, depth + 1);
  };
  walk(root, "", 0);
  found.sort((a, b) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0));
  return { root, found, ignored, archives, generatorPartials: partials };
}

/**
 * Finds and pairs the D-set files below `dir` (see the file comment for the layouts): every
 * `<STA>_waveforms_<period>.hdf5` or `<STA>_catalog_<period>.hdf5` with its `<STA>_attributes_<period>.csv`,
 * wherever each sits below the root. An `InputError` for a folder that is missing, a file, an archive, an
 * interrupted generator run, two copies of one file, or no pair at all (naming the archives found and the
 * commands that unpack them).
 */
export function discoverDSet(dir: string, options: DiscoverDSetOptions = {}): DSetDiscovery {
  const scan = scanDSetFolder(dir);
  const { root } = scan;
  if (scan.generatorPartials.length > 0) throw interruptedGeneration(root, scan);
  const ignored = [...scan.ignored];
  const groups = new Map<string, { station: string; period: DSetPeriod; hdf5: DSetFoundFile[]; csv: DSetFoundFile[] }>();
  for (const f of scan.found) {
    if (options.stations && !options.stations.includes(f.station)) continue;
    if (options.periods && !options.periods.includes(f.period)) continue;
    const key = `${f.station}\u0000${f.period}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { station: f.station, period: f.period, hdf5: [], csv: [] }));
    (f.kind === "attributes" ? g.csv : g.hdf5).push(f);
  }
  const pairs: DSetDiscoveredPair[] = [];
  const sorted = [...groups.values()].sort((a, b) => (a.station < b.station ? -1 : a.station > b.station ? 1 : DSET_PERIODS.indexOf(a.period) - DSET_PERIODS.indexOf(b.period)));
  for (const g of sorted) {
    for (const [list, what] of [
      [g.hdf5, "waveform files"],
      [g.csv, "attribute files"],
    ] as const) {
      if (list.length > 1) {
        throw new InputError(root, `two ${what} for ${g.station} ${g.period}: ${list.map((f) => f.relPath).join(" and ")}; keep one (or point at the folder of one copy)`);
      }
    }
    if (g.hdf5.length === 0 || g.csv.length === 0) {
      for (const f of [...g.hdf5, ...g.csv]) {
        const missing = g.csv.length === 0 ? `${g.station}_attributes_${g.period}.csv` : `${g.station}_waveforms_${g.period}.hdf5`;
        ignored.push({ file: f.path, relPath: f.relPath, reason: `no ${missing} found to pair it with` });
      }
      continue;
    }
    pairs.push({ station: g.station, period: g.period, waveformsPath: g.hdf5[0].path, attributesPath: g.csv[0].path });
  }
  const archives = scan.archives;
  if (pairs.length === 0) {
    const what = options.stations || options.periods ? " matching the requested stations and periods" : "";
    const parts = [
      `no D-set file pairs${what} (expected <STA>_waveforms_<period>.hdf5 or <STA>_catalog_<period>.hdf5 with <STA>_attributes_<period>.csv, period pre, visso or post, in this folder or up to ${DSET_MAX_DEPTH - 1} folders below it)`,
    ];
    if (archives.length > 0) {
      parts.push(
        `it holds ${archives.length === 1 ? "an archive that was not unpacked" : `${archives.length} archives that were not unpacked`}: ` +
          archives.map((a) => `${a.relPath} (unpack it with: ${a.command})`).join("; ") +
          ", then open the folder again",
      );
    }
    if (ignored.length > 0) {
      const shown = ignored.slice(0, 10).map((i) => `${i.relPath} (${i.reason})`);
      parts.push(`ignored: ${shown.join(", ")}${ignored.length > 10 ? `, and ${ignored.length - 10} more` : ""}`);
    }
    throw new InputError(root, parts.join("; "));
  }
  for (const a of archives) ignored.push({ file: a.file, relPath: a.relPath, reason: `archive, not read (if it holds more of the D-set, unpack it: ${a.command})` });
  const used = new Set(pairs.flatMap((p) => [p.waveformsPath, p.attributesPath]));
  return { root, pairs, found: scan.found, ignored, archives, layout: describeLayout(scan.found.filter((f) => used.has(f.path))) };
}

/**
 * The layout of `files` in words: "flat" (all in the root), "one folder per station" (each in a folder named
 * after its station), either followed by "under <top>/" when they share a folder below the root, or "mixed
 * folders".
 */
export function describeLayout(files: readonly DSetFoundFile[]): string {
  if (files.length === 0) return "empty";
  const dirs = files.map((f) => (f.relPath.includes("/") ? f.relPath.slice(0, f.relPath.lastIndexOf("/")) : ""));
  if (dirs.every((d) => d === dirs[0])) return dirs[0] === "" ? "flat" : `flat, under ${dirs[0]}/`;
  const parents = files.map((f, i) => {
    const d = dirs[i];
    const last = d.slice(d.lastIndexOf("/") + 1);
    return last === f.station ? (d.includes("/") ? d.slice(0, d.lastIndexOf("/")) : "") : null;
  });
  if (parents.every((p) => p !== null && p === parents[0])) return parents[0] === "" ? "one folder per station" : `one folder per station, under ${parents[0]}/`;
  return "mixed folders";
}

/** The error for a folder holding `generator.partial.json`: what happened and the command that resumes. */
function interruptedGeneration(root: string, scan: DSetScan): InputError {
  const partial = scan.generatorPartials[0];
  const outDir = path.dirname(partial);
  let params: Record<string, unknown> = {};
  try {
    params = JSON.parse(fs.readFileSync(partial, "utf8")) as Record<string, unknown>;
  } catch {
    // unreadable: the command below falls back to the defaults
  }
  const stations = Array.isArray(params.stations) ? (params.stations as string[]) : null;
  const periods = Array.isArray(params.periods) ? (params.periods as string[]) : ["pre", "post"];
  const args = [`--out ${sh(outDir)}`];
  if (typeof params.scale === "string") args.push(`--scale ${params.scale}`);
  if (typeof params.seed === "number") args.push(`--seed ${params.seed}`);
  if (periods.includes("visso")) args.push("--visso");
  if (params.layout === "per-station") args.push("--layout per-station");
  const finished = scan.found.filter((f) => f.kind === "attributes" && (!stations || stations.includes(f.station)) && periods.includes(f.period)).length;
  const planned = stations && periods.length ? ` of ${stations.length * periods.length}` : "";
  const rel = path.relative(root, partial).split(path.sep).join("/");
  return new InputError(
    root,
    `the generator has not finished writing this data set (${rel} is present: it was interrupted, or is running now); ` +
      `${finished}${planned} station-period file pairs are complete. ` +
      `Re-run the same generator command to resume it (finished files are kept): npm run data -- ${args.join(" ")}` +
      (stations && stations.length < 9 ? ` (for the stations ${stations.join(", ")}: generateNorciaDataset with the same options)` : ""),
  );
}

/** `InputError` unless `root` is a readable folder; an archive gets the command that unpacks it. */
function assertFolder(root: string): void {
  let st: fs.Stats;
  try {
    st = fs.statSync(root);
  } catch (e) {
    const code = errorCode(e);
    if (code === "ENOENT" || code === "ENOTDIR") {
      for (const ext of [".zip", ".tar.gz", ".tgz", ".tar"]) {
        if (fs.existsSync(root + ext)) {
          throw new InputError(root, `no such folder, but ${path.basename(root + ext)} is beside it: unpack it with: ${unpackCommand(root + ext)}`);
        }
      }
      throw new InputError(root, "no such folder: give the folder that holds the unpacked D-set (e.g. SEISMIC_XAI_DSET=/path/to/dset), or generate one with npm run data");
    }
    throw new InputError(root, `cannot read (${code})`);
  }
  if (st.isDirectory()) return;
  const command = unpackCommand(root);
  if (command) throw new InputError(root, `is an archive, not a folder: unpack it first (${command}) and open the folder it makes`);
  const parsed = parseDSetFileName(path.basename(root));
  throw new InputError(
    root,
    `is a file, not a folder${parsed ? `: open the folder that holds it (${path.dirname(root)})` : ": give the folder that holds the D-set files"}`,
  );
}

function isBrokenLink(file: string): boolean {
  try {
    return fs.lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

function errorCode(e: unknown): string {
  return (e as NodeJS.ErrnoException)?.code ?? String(e);
}

/** Quotes `s` for a POSIX shell when it holds anything but safe characters. */
function sh(s: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
