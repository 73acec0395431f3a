// `npm run kernel`: registers the project's tslab as a Jupyter kernel named "tslab" (the kernel the notebooks
// ask for), so JupyterLab and Notebook can start it. `npx tslab install` writes the bare command `tslab`,
// which is not on PATH when tslab is a project dependency ("No such file or directory: 'tslab'"); this
// kernelspec names, by absolute path, the Node.js that runs this script and this project's own tslab.
// No root needed: it writes to the user's Jupyter data folder, or with --sys-prefix to the active Python
// environment (a venv holding JupyterLab).
// Usage: node scripts/install-kernel.mjs [--user (default) | --sys-prefix | --prefix DIR] [--print]
//   --print  only prints the kernel.json it would write
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);

/** The kernelspec: argv with absolute paths; Jupyter fills in {connection_file}. */
export function kernelSpec(projectRoot = root, nodePath = process.execPath) {
  return {
    argv: [nodePath, path.join(projectRoot, "node_modules", "tslab", "bin", "tslab"), "kernel", "--config-path", "{connection_file}"],
    display_name: "TypeScript (seismic-xai)",
    language: "typescript",
    metadata: { "seismic-xai": { root: projectRoot } },
  };
}

/** Jupyter's per-user data folder (jupyter_core.paths.jupyter_data_dir). */
function userDataDir() {
  if (process.env.JUPYTER_DATA_DIR) return process.env.JUPYTER_DATA_DIR;
  if (process.platform === "darwin") return path.join(os.homedir(), "Library", "Jupyter");
  if (process.platform === "win32") return path.join(process.env.APPDATA ?? path.join(os.homedir(), "AppData", "Roaming"), "jupyter");
  return path.join(process.env.XDG_DATA_HOME || path.join(os.homedir(), ".local", "share"), "jupyter");
}

/** sys.prefix of the Python that runs `jupyter` (the active venv's when one is active). */
function sysPrefix() {
  if (process.env.VIRTUAL_ENV) return process.env.VIRTUAL_ENV;
  for (const python of ["python3", "python"]) {
    const r = spawnSync(python, ["-c", "import sys; print(sys.prefix)"], { encoding: "utf8" });
    if (r.status === 0) return r.stdout.trim();
  }
  throw new Error("npm run kernel -- --sys-prefix: no python3 found on PATH (activate the environment that has JupyterLab)");
}

function main() {
  const tslab = path.join(root, "node_modules", "tslab", "bin", "tslab");
  if (!fs.existsSync(tslab)) {
    console.error(`npm run kernel: ${path.relative(process.cwd(), tslab) || tslab} is missing: run npm ci first`);
    process.exit(1);
  }
  const spec = kernelSpec();
  if (args.includes("--print")) {
    console.log(JSON.stringify(spec, null, 1));
    return;
  }
  let base;
  const prefixAt = args.indexOf("--prefix");
  if (prefixAt >= 0) {
    if (!args[prefixAt + 1]) throw new Error("npm run kernel: --prefix needs a folder");
    base = path.join(path.resolve(args[prefixAt + 1]), "share", "jupyter");
  } else if (args.includes("--sys-prefix")) base = path.join(sysPrefix(), "share", "jupyter");
  else base = userDataDir();
  const dir = path.join(base, "kernels", "tslab");
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "kernel.json");
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(spec, null, 1) + "\n");
  fs.renameSync(`${file}.tmp`, file);
  console.log(`registered the Jupyter kernel "tslab" (${spec.display_name}) in ${dir}`);
  console.log(`  it runs ${spec.argv[1]} with ${spec.argv[0]}; run npm run kernel again if you move this folder or Node.js`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main();
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  }
}
