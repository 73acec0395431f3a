// The feature table's cache under interruption (kill -9 at named points), data-set changes, damage and a
// second run (issue 14, cases 2, 3, 4 and 6 for the feature table).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { acquireLock, LockBusyError, lockFileOf } from "../../lib/core/cache-lock";
import { InputError } from "../../lib/core/errors";
import { buildFeatureTable, FeatureTable } from "../../lib/features/feature-table";
import { runChild, startChild } from "../helpers/child";
import { replaceDSet, tinyDSet } from "../helpers/dset-copies";

let root = "";
let dsetA = "";
let dsetB = "";
let refA: FeatureTable;
let refB: FeatureTable;

before(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "feature-cache-"));
  dsetA = await tinyDSet(path.join(root, "dset-a"), 5, ["NRCA", "MC2"]);
  dsetB = await tinyDSet(path.join(root, "dset-b"), 9, ["NRCA", "MC2"]);
  refA = await buildFeatureTable(dsetA, { cacheDir: path.join(root, "ref-a"), workers: 0, log: false });
  refB = await buildFeatureTable(dsetB, { cacheDir: path.join(root, "ref-b"), workers: 0, log: false });
});
after(() => fs.rmSync(root, { recursive: true, force: true }));

function sameTable(got: FeatureTable, expected: FeatureTable): void {
  assert.equal(got.nRows, expected.nRows);
  assert.deepEqual(got.rows, expected.rows);
  assert.deepEqual(got.X, expected.X);
  assert.deepEqual(got.y, expected.y);
}

function rowsOf(t: FeatureTable, station: string): FeatureTable {
  const keep = t.rows.map((r, i) => (r.station === station ? i : -1)).filter((i) => i >= 0);
  const X = new Float64Array(keep.length * t.nFeatures);
  keep.forEach((r, k) => X.set(t.X.subarray(r * t.nFeatures, (r + 1) * t.nFeatures), k * t.nFeatures));
  return { ...t, nRows: keep.length, X, y: Float64Array.from(keep, (i) => t.y[i]), rows: keep.map((i) => t.rows[i]) };
}

test("kill -9 between the table's two files: a later call for NRCA returns NRCA's values, never MC2's (case 4)", async () => {
  const cacheDir = path.join(root, "case4");
  const mc2 = await buildFeatureTable(dsetA, { cacheDir, filter: { stations: ["MC2"] }, workers: 0, log: false });
  sameTable(mc2, rowsOf(refA, "MC2"));
  const killed = runChild({ action: "features", dsetDir: dsetA, cacheDir, stations: ["NRCA"] }, { killAt: "cache-entry:feature-table:file-written:1" });
  assert.equal(killed.signal, "SIGKILL", killed.stderr);
  // MC2's entry is still whole and still MC2's.
  const lines: string[] = [];
  sameTable(await buildFeatureTable(dsetA, { cacheDir, filter: { stations: ["MC2"] }, workers: 0, log: (l) => lines.push(l) }), rowsOf(refA, "MC2"));
  const nrca = await buildFeatureTable(dsetA, { cacheDir, filter: { stations: ["NRCA"] }, workers: 0, log: (l) => lines.push(l) });
  sameTable(nrca, rowsOf(refA, "NRCA"));
  assert.ok(nrca.rows.every((r) => r.station === "NRCA"));
  assert.match(lines.join("\n"), /made from other inputs.*computing it again/);
  // Orphans of the killed writer are gone after the next commit.
  const left = fs.readdirSync(cacheDir).filter((f) => f !== ".lock");
  assert.equal(left.length, 3, left.join(", "));
});

test("kill -9 in the middle of the computation: the next call resumes from the saved parts and gives the same table (case 4)", async () => {
  const cacheDir = path.join(root, "resume");
  const killed = runChild({ action: "features", dsetDir: dsetA, cacheDir }, { killAt: "feature-table:part-written:1" });
  assert.equal(killed.signal, "SIGKILL", killed.stderr);
  assert.ok(fs.existsSync(path.join(cacheDir, "features.parts")));
  assert.ok(!fs.existsSync(path.join(cacheDir, "features.json")));
  const lines: string[] = [];
  let computed = 0;
  const t = await buildFeatureTable(dsetA, { cacheDir, workers: 0, log: (l) => lines.push(l), onProgress: (done, total) => (computed = total - done) });
  assert.equal(t.resumedTraces, 64);
  assert.equal(t.fromCache, false);
  assert.equal(computed, 0);
  assert.match(lines.join("\n"), /resuming an interrupted run, 64 of 80 traces read back, 16 to compute/);
  // The killed run's lock is broken, and the log says whose it was.
  assert.match(lines.join("\n"), new RegExp(`removed the stale lock of process ${killed.pid} `));
  sameTable(t, refA);
  assert.ok(!fs.existsSync(path.join(cacheDir, "features.parts")), "parts are removed once the table is made");
  const again = await buildFeatureTable(dsetA, { cacheDir, workers: 0, log: false });
  assert.equal(again.fromCache, true);
  sameTable(again, refA);
});

test("another data set in the same folder: a finished table and an interrupted one's parts are both recomputed, and the log says so (case 2)", async () => {
  const dset = path.join(root, "changing");
  replaceDSet(dsetA, dset);
  const cacheDir = path.join(root, "changed");
  sameTable(await buildFeatureTable(dset, { cacheDir, workers: 0, log: false }), refA);
  // Another download, unpacked with the files' own times preserved: the CSVs' content tells them apart.
  replaceDSet(dsetB, dset, { preserveTimestamps: true });
  const lines: string[] = [];
  sameTable(await buildFeatureTable(dset, { cacheDir, workers: 0, log: (l) => lines.push(l) }), refB);
  assert.match(lines.join("\n"), /made from other inputs/);

  // An interrupted run on A's data, then B's data in the folder: A's parts are not used.
  const interrupted = path.join(root, "changed-interrupted");
  replaceDSet(dsetA, dset);
  assert.equal(runChild({ action: "features", dsetDir: dset, cacheDir: interrupted }, { killAt: "feature-table:part-written:1" }).signal, "SIGKILL");
  replaceDSet(dsetB, dset);
  lines.length = 0;
  const t = await buildFeatureTable(dset, { cacheDir: interrupted, workers: 0, log: (l) => lines.push(l) });
  assert.equal(t.resumedTraces, 0);
  sameTable(t, refB);
  assert.match(lines.join("\n"), /removed the partial results of an unfinished run on another data set/);
});

test("a damaged table file is found by its hash and recomputed, with a message", async () => {
  const cacheDir = path.join(root, "damaged");
  await buildFeatureTable(dsetA, { cacheDir, workers: 0, log: false });
  const file = path.join(cacheDir, fs.readdirSync(cacheDir).find((f) => f.startsWith("features.table."))!);
  const bytes = fs.readFileSync(file);
  bytes[100] ^= 1;
  fs.writeFileSync(file, bytes);
  const lines: string[] = [];
  const t = await buildFeatureTable(dsetA, { cacheDir, workers: 0, log: (l) => lines.push(l) });
  assert.equal(t.fromCache, false);
  sameTable(t, refA);
  assert.match(lines.join("\n"), /does not hold the bytes its manifest names.*computing it again/);
});

test("a second run on the same cache folder waits with a message, or stops naming the first (case 3)", async () => {
  const cacheDir = path.join(root, "locked");
  const lock = await acquireLock(lockFileOf(cacheDir), { purpose: "the feature table", log: false });
  await assert.rejects(
    buildFeatureTable(dsetA, { cacheDir, workers: 0, log: false, lockWaitMs: 0 }),
    (e: unknown) => e instanceof LockBusyError && new RegExp(`being written by process ${process.pid}`).test(e.message),
  );
  const lines: string[] = [];
  const waiting = buildFeatureTable(dsetA, { cacheDir, workers: 0, log: (l) => lines.push(l) });
  await new Promise((resolve) => setImmediate(resolve));
  assert.match(lines.join("\n"), /is writing the feature table in .*: waiting for it to finish/);
  lock.release();
  sameTable(await waiting, refA);
});

test("two processes building one table at once: both finish with the same table, one waited for the other (case 3)", async () => {
  const cacheDir = path.join(root, "concurrent");
  const a = startChild({ action: "features", dsetDir: dsetA, cacheDir });
  const b = startChild({ action: "features", dsetDir: dsetA, cacheDir });
  const [ra, rb] = await Promise.all([a.result, b.result]);
  assert.equal(ra.status, 0, ra.stderr);
  assert.equal(rb.status, 0, rb.stderr);
  const outs = [JSON.parse(ra.stdout), JSON.parse(rb.stdout)];
  // One computed, the other waited and read it (or started after it was done: the outcome is the same).
  assert.deepEqual(outs.map((o) => o.fromCache).sort(), [false, true]);
  const t = await buildFeatureTable(dsetA, { cacheDir, workers: 0, log: false });
  assert.equal(t.fromCache, true);
  sameTable(t, refA);
});

test("an unwritable cache folder or a missing D-set folder: our error naming the folder, before any work (case 6)", async () => {
  const file = path.join(root, "a-file");
  fs.writeFileSync(file, "");
  let progress = 0;
  await assert.rejects(
    buildFeatureTable(dsetA, { cacheDir: path.join(file, "cache"), onProgress: () => progress++ }),
    (e: unknown) => e instanceof InputError && e.message.startsWith(path.join(file, "cache")) && /ENOTDIR/.test(e.message),
  );
  assert.equal(progress, 0);
  await assert.rejects(buildFeatureTable(path.join(root, "no-such-dset"), { cacheDir: path.join(root, "x") }), (e: unknown) => e instanceof InputError && /no-such-dset: no such folder/.test(e.message));

  // A folder this user may not write to (as root, the child runs as nobody).
  const readOnly = path.join(root, "read-only");
  fs.mkdirSync(readOnly);
  fs.chmodSync(readOnly, 0o555);
  fs.chmodSync(root, 0o755);
  const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  const r = runChild({ action: "features", dsetDir: dsetA, cacheDir: path.join(readOnly, "features") }, asNobody);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, new RegExp(`error: InputError: ${path.join(readOnly, "features")}: creating the folder for the feature table failed: permission denied \\(EACCES\\): make the folder writable`));
  assert.ok(!/\.tmp/.test(r.stderr));
});

test("beyond the issue: a filter's order does not matter; two processes with different filters on one folder both get their own rows", async () => {
  const cacheDir = path.join(root, "filters");
  const a = await buildFeatureTable(dsetA, { cacheDir, filter: { stations: ["MC2", "NRCA"] }, workers: 0, log: false });
  const b = await buildFeatureTable(dsetA, { cacheDir, filter: { stations: ["NRCA", "MC2", "NRCA"] }, workers: 0, log: false });
  assert.equal(b.fromCache, true);
  sameTable(b, a);
  const nrca = startChild({ action: "features", dsetDir: dsetA, cacheDir, stations: ["NRCA"] });
  const mc2 = startChild({ action: "features", dsetDir: dsetA, cacheDir, stations: ["MC2"] });
  const [rn, rm] = await Promise.all([nrca.result, mc2.result]);
  assert.equal(rn.status, 0, rn.stderr);
  assert.equal(rm.status, 0, rm.stderr);
  assert.equal(JSON.parse(rn.stdout).nRows, rowsOf(refA, "NRCA").nRows);
  assert.equal(JSON.parse(rm.stdout).nRows, rowsOf(refA, "MC2").nRows);
  sameTable(await buildFeatureTable(dsetA, { cacheDir, filter: { stations: ["MC2"] }, workers: 0, log: false }), rowsOf(refA, "MC2"));
});

test("beyond the issue: kill -9 after the commit, before the parts are removed: the next call reads the whole table", async () => {
  const cacheDir = path.join(root, "after-commit");
  assert.equal(runChild({ action: "features", dsetDir: dsetA, cacheDir }, { killAt: "cache-entry:feature-table:committed" }).signal, "SIGKILL");
  const t = await buildFeatureTable(dsetA, { cacheDir, workers: 0, log: false });
  assert.equal(t.fromCache, true);
  sameTable(t, refA);
});
