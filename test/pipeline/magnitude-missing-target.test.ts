// Issue 14, case 1: a trace whose source_magnitude is not a number stays without a target through the
// feature-table cache, is left out of the magnitude experiments, listed in their `skipped`, counted in the
// D-set's summary() and logged once.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDSet } from "../../lib/data/index";
import { buildFeatureTable } from "../../lib/features/feature-table";
import { runMagnitudeExperiments } from "../../lib/pipeline/magnitude";
import { writeMagnitudeResults } from "../../lib/pipeline/magnitude-results";
import { setCsvField, tinyDSet } from "../helpers/dset-copies";

let root = "";
let dsetDir = "";
const BAD: Record<string, string> = {};
let NO_PICK = "";

before(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "magnitude-missing-"));
  dsetDir = await tinyDSet(path.join(root, "dset"), 11, ["NRCA", "MC2"]);
  const dset = await openDSet(dsetDir);
  const names = dset.metadata().map((m) => m.trace_name);
  dset.close();
  [["", names[3]], ["n/a", names[17]], ["2,3", names[50]]].forEach(([text, name]) => {
    BAD[name] = text;
    setCsvField(dsetDir, name, "source_magnitude", text);
  });
  // A missing feature value (not a target) too: it must stay NaN through the cache as well.
  NO_PICK = names[60];
  setCsvField(dsetDir, NO_PICK, "p_travel_sec", "");
});
after(() => fs.rmSync(root, { recursive: true, force: true }));

test("a missing magnitude survives the cache as NaN (never 0) and is left out, listed, counted and logged once", async () => {
  const cacheDir = path.join(root, "features");
  const fresh = await buildFeatureTable(dsetDir, { cacheDir, workers: 0, log: false });
  const cached = await buildFeatureTable(dsetDir, { cacheDir, workers: 0, log: false });
  assert.equal(fresh.fromCache, false);
  assert.equal(cached.fromCache, true);
  for (const t of [fresh, cached]) {
    const missing = t.rows.map((r, i) => [r.trace_name, t.y[i], r.source_magnitude] as const).filter(([, y]) => !Number.isFinite(y));
    assert.deepEqual(missing.map(([n]) => n).sort(), Object.keys(BAD).sort());
    for (const [, y, m] of missing) {
      assert.ok(Number.isNaN(y) && Number.isNaN(m), "NaN, not 0 or null");
    }
    assert.deepEqual(t.targetMissing.map((s) => s.trace).sort(), Object.keys(BAD).sort());
    for (const s of t.targetMissing) {
      assert.ok(s.reason.includes(`source_magnitude ${JSON.stringify(BAD[s.trace!])}`), s.reason);
      assert.match(s.file, /_attributes_(pre|visso|post)\.csv$/);
    }
    assert.equal(t.y.filter((v) => v === 0).length, 0);
  }
  assert.deepEqual(cached.X, fresh.X);
  const row = cached.rows.findIndex((r) => r.trace_name === NO_PICK);
  assert.ok(Number.isNaN(cached.X[row * cached.nFeatures + cached.featureNames.indexOf("p_travel_sec")]));

  // The experiments on the fresh and on the cached table are the same, and leave the three rows out.
  const runs = [];
  for (const table of [fresh, cached]) {
    const lines: string[] = [];
    const r = await runMagnitudeExperiments({ table, nEstimators: 3, nExplain: 0, shapWorkers: 0, log: (l) => lines.push(l) });
    const noTargetLines = lines.filter((l) => /no readable source_magnitude/.test(l));
    assert.equal(noTargetLines.length, 1, lines.join("\n"));
    assert.match(noTargetLines[0], /3 of 80 rows have no readable source_magnitude and are left out/);
    runs.push(r);
  }
  const [a, b] = runs;
  assert.equal(a.random.nDroppedNoTarget, 3);
  assert.equal(b.random.nDroppedNoTarget, 3);
  assert.deepEqual(a.random.metrics, b.random.metrics);
  assert.deepEqual(a.skipped.map((s) => s.trace).sort(), Object.keys(BAD).sort());
  assert.equal(a.random.nTrain + a.random.nTest, 77);
  const perStationDropped = a.perStation.filter((e) => e.split === "random").reduce((n, e) => n + e.skipped.length, 0);
  assert.equal(perStationDropped, 3);
  assert.deepEqual(a.rows.slice(0, 2).map((r) => r.nNoTarget), [3, 3]);

  // magnitude.json records them; the D-set's summary counts them.
  const files = writeMagnitudeResults(path.join(root, "results"), a);
  const json = JSON.parse(fs.readFileSync(files.summary, "utf8"));
  assert.equal(json.random.nDroppedNoTarget, 3);
  assert.equal(json.random.skipped.length, 3);
  const dset = await openDSet(dsetDir);
  assert.match(dset.summary(), /3 usable traces without a readable source_magnitude \(used by the CNN, left out of the magnitude experiments\)/);
  dset.close();
});
