/**
 * `npm run site` on a machine where nothing was trained yet: the build trains the quick preset's models itself
 * (notebook 03's step) in an empty data folder, ships them, and a second build reuses them. Part of
 * `npm run test:site` (not `npm test`: it trains every quick experiment, about a minute).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";

const ROOT = path.resolve(__dirname, "..", "..");
const TSX = path.join(ROOT, "node_modules", ".bin", "tsx");

/** Runs `site/build.ts` in a child with its own data folder, so the user's caches are not touched. */
function build(dataDir: string, outDir: string): { status: number | null; log: string } {
  const script = `require(${JSON.stringify(path.join(ROOT, "site", "build"))}).buildSite({ outDir: ${JSON.stringify(outDir)}, preset: "quick" })` +
    `.catch((e) => { console.error(e instanceof Error ? e.message : e); process.exit(1); });`;
  const r = spawnSync(TSX, ["-e", script], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, SEISMIC_XAI_DATA: dataDir, SEISMIC_XAI_DSET: "", QUICK: "" },
    timeout: 15 * 60_000,
  });
  return { status: r.status, log: `${r.stdout}${r.stderr}` };
}

test("npm run site trains the models when the cache has none, then reuses them", () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "seismic-xai-site-build-"));
  try {
    const dataDir = path.join(work, "data");
    const outDir = path.join(work, "dist");

    const first = build(dataDir, outDir);
    assert.equal(first.status, 0, first.log);
    assert.match(first.log, /so building the images and training the models/);
    const index = JSON.parse(fs.readFileSync(path.join(outDir, "data", "index.json"), "utf8"));
    assert.equal(index.preset, "quick");
    assert.deepEqual(index.models.map((m: { name: string }) => m.name), ["nrca", "all-stations"]);
    for (const m of index.models) {
      const model = JSON.parse(fs.readFileSync(path.join(outDir, m.url), "utf8"));
      assert.ok(model.weightsManifest?.length > 0, `${m.url} has no weights manifest`);
      assert.ok(typeof m.accuracy === "number" && m.accuracy >= 0 && m.accuracy <= 1, `${m.name}: accuracy ${m.accuracy}`);
    }
    assert.ok(index.traces.length > 0, "no traces shipped");
    for (const t of index.traces.slice(0, 3)) assert.ok(fs.existsSync(path.join(outDir, t.url)), `trace file of ${t.id}`);
    // the models were trained into the data folder given, not the project's
    assert.ok(fs.readdirSync(path.join(dataDir, "cache", "quick", "cnn")).some((d) => d.startsWith("nrca-")));

    const second = build(dataDir, outDir);
    assert.equal(second.status, 0, second.log);
    assert.doesNotMatch(second.log, /training the models/);
    assert.match(second.log, /reusing the trained model/);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
});
