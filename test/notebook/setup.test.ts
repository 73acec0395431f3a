import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");

test("setupNotebook checks the folders it will write before any work: an error naming the folder and what to do", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "setup-"));
  try {
    const file = path.join(dir, "a-file");
    fs.writeFileSync(file, "");
    const env: NodeJS.ProcessEnv = { ...process.env, SEISMIC_XAI_DATA: path.join(file, "data") };
    delete env.NODE_TEST_CONTEXT;
    delete env.QUICK;
    const script = 'require("./lib/notebook/setup").setupNotebook().then(() => console.log("no error"), (e) => console.log(`${e.name}: ${e.message}`))';
    const r = spawnSync(process.execPath, ["--import", "tsx", "-e", script], { cwd: ROOT, env, encoding: "utf8" });
    assert.match(r.stdout, new RegExp(`InputError: ${path.join(file, "data", "cache", "full")}: creating the folder for the caches failed: .*ENOTDIR`), r.stdout + r.stderr);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
