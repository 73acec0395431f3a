/**
 * `npm run kernel` (scripts/install-kernel.mjs) registers a kernel that can start: its command is this
 * project's tslab by absolute path, not the bare word `tslab` that `npx tslab install` writes.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const ROOT = path.resolve(__dirname, "..");

test("npm run kernel writes kernels/tslab/kernel.json naming Node.js and the project's tslab by absolute path", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kernel-"));
  try {
    const user = spawnSync(process.execPath, [path.join(ROOT, "scripts", "install-kernel.mjs")], { cwd: ROOT, env: { ...process.env, JUPYTER_DATA_DIR: path.join(dir, "user") }, encoding: "utf8" });
    assert.equal(user.status, 0, user.stderr);
    const spec = JSON.parse(fs.readFileSync(path.join(dir, "user", "kernels", "tslab", "kernel.json"), "utf8"));
    assert.equal(spec.argv[0], process.execPath);
    assert.equal(spec.argv[1], path.join(ROOT, "node_modules", "tslab", "bin", "tslab"));
    assert.ok(fs.existsSync(spec.argv[1]), "the tslab it names exists");
    assert.deepEqual(spec.argv.slice(2), ["kernel", "--config-path", "{connection_file}"]);
    assert.equal(spec.language, "typescript");
    // the notebooks ask for the kernel named "tslab"
    const nb = JSON.parse(fs.readFileSync(path.join(ROOT, "notebooks", "01-data.ipynb"), "utf8"));
    assert.equal(nb.metadata.kernelspec.name, "tslab");

    const prefixed = spawnSync(process.execPath, [path.join(ROOT, "scripts", "install-kernel.mjs"), "--prefix", path.join(dir, "env")], { cwd: ROOT, encoding: "utf8" });
    assert.equal(prefixed.status, 0, prefixed.stderr);
    assert.ok(fs.existsSync(path.join(dir, "env", "share", "jupyter", "kernels", "tslab", "kernel.json")));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("the registered tslab starts: `tslab --version` through the kernelspec's own command", () => {
  const tslab = path.join(ROOT, "node_modules", "tslab", "bin", "tslab");
  const r = spawnSync(process.execPath, [tslab, "--version"], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /tslab 1\.0\.22/);
});
