import os from "node:os";
import path from "node:path";
import { repoRoot } from "./paths";

/**
 * The folders a printed path is shown relative to, most specific first: `$SEISMIC_XAI_DSET` and
 * `$SEISMIC_XAI_DATA` (a user's own folders, shown by their variable's name), then the repository root
 * (shown as a relative path), then the home folder (`~`).
 */
function anchors(): Array<[string, string]> {
  const list: Array<[string, string]> = [];
  for (const name of ["SEISMIC_XAI_DSET", "SEISMIC_XAI_DATA"]) {
    const v = process.env[name];
    if (v) list.push([path.resolve(v), `$${name}`]);
  }
  list.push([repoRoot(), ""]);
  const home = os.homedir();
  if (home && home !== "/") list.push([home, "~"]);
  return list;
}

/**
 * A path as printed in notebooks and committed files: relative to the repository root (`data/dset`), or
 * under `$SEISMIC_XAI_DATA` / `$SEISMIC_XAI_DSET` / `~`, never the absolute path of the machine that ran it
 * (committed outputs hold no machine-specific paths; a user's own absolute paths stay private in shared
 * notebooks). A path outside all of those is returned unchanged.
 */
export function displayPath(p: string): string {
  const abs = path.resolve(p);
  for (const [dir, label] of anchors()) {
    if (abs === dir) return label || ".";
    if (abs.startsWith(dir + path.sep)) {
      const rest = abs.slice(dir.length + 1).split(path.sep).join("/");
      return label ? `${label}/${rest}` : rest;
    }
  }
  return p;
}

/**
 * Rewrites every absolute path inside `text` (a log line, an error message) the way `displayPath` does.
 * Only paths under the anchors are rewritten, so other text containing slashes is untouched.
 */
export function redactPaths(text: string): string {
  let out = text;
  for (const [dir, label] of anchors()) {
    if (dir.length < 2 || !out.includes(dir)) continue;
    // the folder itself, or the folder followed by a separator; not a longer name sharing its prefix
    const escaped = dir.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    out = out.replace(new RegExp(`${escaped}(?![\\w-]|\\.\\w)([\\\\/])?`, "g"), (_m, sep: string | undefined) => (label ? label + (sep ? "/" : "") : sep ? "" : "."));
  }
  return out;
}
