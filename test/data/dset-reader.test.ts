import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { InputError } from "../../lib/core/errors";
import { silentProgress } from "../../lib/core/progress";
import { DSet, openDSet } from "../../lib/data/dset-reader";
import { generateNorciaDataset } from "../../lib/data/generator";
import { Hdf5File, Hdf5Writer } from "../../lib/data/hdf5";
import { DSET_CSV_COLUMNS } from "../../lib/data/dset-files";
import { csvRecords, formatCsv, readCsvFile } from "../../lib/data/csv";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "dset-reader-"));
const good = path.join(root, "good");
let dset: DSet;

before(async () => {
  await generateNorciaDataset({ outDir: good, seed: 7, scale: "tiny", stations: ["NRCA", "MMO1"], progress: silentProgress });
  dset = await openDSet(good);
});
after(() => {
  dset?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

test("lists stations, periods and counts of a generated folder", () => {
  assert.deepEqual(dset.stations(), ["MMO1", "NRCA"]);
  assert.deepEqual(dset.periods(), ["pre", "post"]);
  assert.deepEqual(dset.counts(), [
    { station: "MMO1", period: "pre", nTraces: 20 },
    { station: "MMO1", period: "post", nTraces: 20 },
    { station: "NRCA", period: "pre", nTraces: 20 },
    { station: "NRCA", period: "post", nTraces: 20 },
  ]);
  assert.equal(dset.count(), 80);
  assert.equal(dset.count({ stations: ["NRCA"], labels: [0] }), 20);
  assert.deepEqual(dset.skipped, []);
  assert.deepEqual(dset.ignoredFiles, []);
  assert.equal(dset.layout, "flat");
  assert.match(dset.summary(), /\(flat\): 80 usable traces, 4 file pairs, 2 stations\n {2}found 8 D-set files, paired 8, skipped 0 traces, ignored 0 files\n {2}pre: MMO1 20, NRCA 20\n {2}post: MMO1 20, NRCA 20/);
});

test("metadata rows keep the CSV's names and add station, period, label and distance_km", () => {
  const rows = dset.metadata();
  assert.equal(rows.length, 80);
  const csv = csvRecords(readCsvFile(path.join(good, "NRCA_attributes_post.csv")), DSET_CSV_COLUMNS, "csv");
  const nrcaPost = dset.metadata({ stations: ["NRCA"], periods: ["post"] });
  assert.deepEqual(
    nrcaPost.map((r) => r.trace_name),
    csv.map((r) => r.trace_name),
  );
  for (const r of rows) {
    assert.equal(r.station, r.receiver_name);
    assert.equal(r.trace_name, `${r.station}.IV.${r.source_id}_EV`);
    assert.equal(r.label, r.period === "pre" ? 0 : 1);
    assert.equal(typeof r.source_magnitude, "number");
    // p_travel_sec = distance / 5.8 km/s, rounded to 0.01 s
    assert.ok(Math.abs(r.distance_km / 5.8 - r.p_travel_sec) <= 0.0051, `${r.trace_name}: ${r.distance_km} km, ${r.p_travel_sec} s`);
  }
  // Events are shared between stations, as in the real D-set.
  const nrcaIds = new Set(dset.metadata({ stations: ["NRCA"] }).map((r) => r.source_id));
  const shared = dset.metadata({ stations: ["MMO1"] }).filter((r) => nrcaIds.has(r.source_id));
  assert.ok(shared.length > 0, "no event recorded at both stations");
  for (const r of shared) {
    const other = rows.find((o) => o.station === "NRCA" && o.source_id === r.source_id);
    assert.equal(other?.source_origin_time, r.source_origin_time);
    assert.equal(other?.source_magnitude, r.source_magnitude);
  }
});

test("traces are read lazily, one dataset per step, with filters", async () => {
  const original = Hdf5File.prototype.readFloat64;
  let reads = 0;
  Hdf5File.prototype.readFloat64 = function (this: Hdf5File, name: string) {
    reads++;
    return original.call(this, name);
  };
  try {
    const it = dset.traces({ stations: ["NRCA"], labels: [1] });
    const first = await it.next();
    assert.equal(reads, 1);
    assert.equal(first.done, false);
    const all = [first.value];
    for await (const t of it) all.push(t);
    assert.equal(reads, 20);
    assert.equal(all.length, 20);
    for (const t of all) {
      if (!t) throw new Error("missing trace");
      assert.equal(t.station, "NRCA");
      assert.equal(t.period, "post");
      assert.equal(t.label, 1);
      assert.equal(t.dimensionOrder, "CW");
      assert.equal(t.data.length, 7500);
      assert.deepEqual(t.stats.channels, ["E", "N", "Z"]);
      assert.equal(t.stats.traceName, t.name);
      assert.equal(t.stats.startTime, t.row.trace_start_time);
      assert.deepEqual(Object.keys(t.row), [...DSET_CSV_COLUMNS]);
    }
  } finally {
    Hdf5File.prototype.readFloat64 = original;
  }
  const names = dset.metadata({ periods: ["pre"] }).slice(0, 3).map((r) => r.trace_name);
  const picked: string[] = [];
  for await (const t of dset.traces({ names })) picked.push(t.name);
  assert.deepEqual(picked, names);
});

test("readTrace gives random access; an unknown name is an InputError", async () => {
  const name = dset.metadata({ stations: ["MMO1"], periods: ["post"] })[5].trace_name;
  const t = await dset.readTrace(name);
  let viaIterator: Float64Array | null = null;
  for await (const u of dset.traces({ names: [name] })) viaIterator = u.data;
  assert.deepEqual(t.data, viaIterator);
  await assert.rejects(dset.readTrace("NRCA.IV.0_EV"), (e: unknown) => e instanceof InputError && /no trace named "NRCA.IV.0_EV"/.test(e.message));
});

/** A folder with NRCA's generated pre files plus a hand-made T1212 pre pair full of defects. */
async function badFolder(name: string): Promise<{ dir: string; h5: string; csv: string }> {
  const dir = path.join(root, name);
  fs.mkdirSync(dir);
  for (const f of ["NRCA_waveforms_pre.hdf5", "NRCA_attributes_pre.csv"]) fs.copyFileSync(path.join(good, f), path.join(dir, f));
  const template = csvRecords(readCsvFile(path.join(good, "NRCA_attributes_pre.csv")), DSET_CSV_COLUMNS, "csv")[0];
  const ok = new Float64Array(7500).fill(3);
  const nan = ok.slice();
  nan[2500 + 17] = NaN;
  const h5 = path.join(dir, "T1212_waveforms_pre.hdf5");
  const w = await Hdf5Writer.create(h5);
  w.addFloat64("T1212.IV.1_EV", ok, [3, 2500]);
  w.addFloat64("T1212.IV.2_EV", ok.subarray(0, 5000), [2, 2500]);
  w.addFloat64("T1212.IV.3_EV", ok.subarray(0, 7200), [3, 2400]);
  w.addFloat64("T1212.IV.4_EV", nan, [3, 2500]);
  w.addFloat64("T1212.IV.5_EV", ok, [3, 2500]);
  w.commit();
  // Columns in another order, one field quoted: the reader goes by name.
  const columns = [...DSET_CSV_COLUMNS].reverse();
  const rows = ["1", "2", "3", "4", "6"].map((id) => columns.map((c) => (c === "trace_name" ? `T1212.IV.${id}_EV` : c === "source_id" ? id : c === "receiver_name" ? "T1212" : template[c])));
  const csv = path.join(dir, "T1212_attributes_pre.csv");
  fs.writeFileSync(csv, formatCsv(columns, rows).replace(/T1212\.IV\.1_EV/, '"T1212.IV.1_EV"'));
  fs.copyFileSync(path.join(good, "MMO1_waveforms_pre.hdf5"), path.join(dir, "T1213_waveforms_pre.hdf5"));
  fs.writeFileSync(path.join(dir, "notes.txt"), "not data");
  return { dir, h5, csv };
}

test("bad traces are skipped, counted and named; unpaired and unknown files are reported", async () => {
  const { dir, h5, csv } = await badFolder("bad");
  const ds = await openDSet(dir);
  try {
    assert.deepEqual(
      ds.skipped.map((s) => [path.basename(s.file), s.trace, s.reason]),
      [
        ["T1212_waveforms_pre.hdf5", "T1212.IV.5_EV", "no row in T1212_attributes_pre.csv"],
        ["T1212_waveforms_pre.hdf5", "T1212.IV.2_EV", "dataset shape (2, 2500) (only 2 rows), expected (3, 2500)"],
        ["T1212_waveforms_pre.hdf5", "T1212.IV.3_EV", "dataset shape (3, 2400), expected (3, 2500)"],
        ["T1212_attributes_pre.csv", "T1212.IV.6_EV", "no dataset in T1212_waveforms_pre.hdf5"],
      ],
    );
    assert.equal(ds.count({ stations: ["T1212"] }), 2);
    assert.deepEqual(
      ds.ignoredFiles.map((i) => [path.basename(i.file), i.reason]),
      [
        ["notes.txt", "not a D-set file name"],
        ["T1213_waveforms_pre.hdf5", "no T1213_attributes_pre.csv found to pair it with"],
      ],
    );
    const read: string[] = [];
    for await (const t of ds.traces({ stations: ["T1212"] })) read.push(t.name);
    assert.deepEqual(read, ["T1212.IV.1_EV"]);
    const last = ds.skipped[ds.skipped.length - 1];
    assert.deepEqual([last.file, last.trace, last.reason], [h5, "T1212.IV.4_EV", "non-finite sample NaN at row 1 (N), sample 17"]);
    assert.equal(ds.count({ stations: ["T1212"] }), 1);
    await assert.rejects(ds.readTrace("T1212.IV.4_EV"), /T1212.IV.4_EV: trace skipped: non-finite sample NaN/);
    await assert.rejects(ds.readTrace("T1212.IV.2_EV"), /T1212_waveforms_pre.hdf5: T1212.IV.2_EV: trace skipped: dataset shape \(2, 2500\) \(only 2 rows\)/);
    assert.match(ds.summary(), /skipped 5:/);
    assert.ok(csv.endsWith("T1212_attributes_pre.csv"));
  } finally {
    ds.close();
  }
});

test("with checkShapes off, bad shapes are found and skipped while reading", async () => {
  const ds = await openDSet(path.join(root, "bad"), { checkShapes: false, stations: ["T1212"] });
  try {
    assert.equal(ds.count(), 4);
    const read: string[] = [];
    for await (const t of ds.traces()) read.push(t.name);
    assert.deepEqual(read, ["T1212.IV.1_EV"]);
    assert.deepEqual(
      ds.skipped.slice(2).map((s) => s.reason),
      ["dataset shape (2, 2500) (only 2 rows), expected (3, 2500)", "dataset shape (3, 2400), expected (3, 2500)", "non-finite sample NaN at row 1 (N), sample 17"],
    );
  } finally {
    ds.close();
  }
});

test("Laurenti's <STA>_catalog_<period>.hdf5 name is accepted; station and period filters limit what is opened", async () => {
  const dir = path.join(root, "catalog");
  fs.mkdirSync(dir);
  fs.copyFileSync(path.join(good, "NRCA_waveforms_post.hdf5"), path.join(dir, "NRCA_catalog_post.hdf5"));
  fs.copyFileSync(path.join(good, "NRCA_attributes_post.csv"), path.join(dir, "NRCA_attributes_post.csv"));
  const ds = await openDSet(dir);
  assert.deepEqual(ds.counts(), [{ station: "NRCA", period: "post", nTraces: 20 }]);
  ds.close();
  const only = await openDSet(good, { stations: ["MMO1"], periods: ["post"] });
  assert.deepEqual(only.counts(), [{ station: "MMO1", period: "post", nTraces: 20 }]);
  only.close();
});

test("a missing CSV column, a truncated HDF5 file and an empty folder are InputErrors naming the file", async () => {
  const dir = path.join(root, "missing-column");
  fs.mkdirSync(dir);
  fs.copyFileSync(path.join(good, "NRCA_waveforms_pre.hdf5"), path.join(dir, "NRCA_waveforms_pre.hdf5"));
  const text = fs.readFileSync(path.join(good, "NRCA_attributes_pre.csv"), "utf8").replace("p_travel_sec", "p_travel");
  const csv = path.join(dir, "NRCA_attributes_pre.csv");
  fs.writeFileSync(csv, text);
  await assert.rejects(openDSet(dir), (e: unknown) => e instanceof InputError && e.message.startsWith(`${csv}: missing CSV column "p_travel_sec"`));

  const trunc = path.join(root, "truncated");
  fs.mkdirSync(trunc);
  const bytes = fs.readFileSync(path.join(good, "NRCA_waveforms_pre.hdf5"));
  const h5 = path.join(trunc, "NRCA_waveforms_pre.hdf5");
  fs.writeFileSync(h5, bytes.subarray(0, bytes.length - 1000));
  fs.copyFileSync(path.join(good, "NRCA_attributes_pre.csv"), path.join(trunc, "NRCA_attributes_pre.csv"));
  await assert.rejects(openDSet(trunc), (e: unknown) => e instanceof InputError && e.message.startsWith(`${h5}: truncated HDF5 file`));

  const empty = path.join(root, "empty");
  fs.mkdirSync(empty);
  await assert.rejects(openDSet(empty), /no D-set file pairs \(expected <STA>_waveforms_<period>.hdf5/);
  await assert.rejects(openDSet(path.join(root, "absent")), (e: unknown) => e instanceof InputError && /absent: no such folder/.test(e.message));
});
