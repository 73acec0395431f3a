// Creates notebooks/lib -> ../lib so that tslab notebooks can `import ... from "./lib"`
// (tslab takes the notebook's folder as its root and cannot import "../lib"; see docs/tslab.md, "The lib link").
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const link = path.join(root, "notebooks", "lib");
fs.mkdirSync(path.dirname(link), { recursive: true });
let existing = null;
try {
  existing = fs.lstatSync(link);
} catch {
  existing = null;
}
if (existing && !existing.isSymbolicLink()) {
  console.error(`seismic-xai setup: ${link} exists and is not a link; leaving it alone`);
  process.exit(0);
}
if (!existing) {
  // A junction needs no admin rights on Windows; elsewhere the type is ignored.
  fs.symlinkSync(process.platform === "win32" ? path.join(root, "lib") : "../lib", link, "junction");
  console.log("seismic-xai setup: linked notebooks/lib -> ../lib");
}
