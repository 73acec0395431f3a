import { after, test } from "node:test";
import FFT from "fft.js";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { InputError } from "../../lib/core/errors";
import { silentProgress } from "../../lib/core/progress";
import { generateNorciaDataset, tracesPerStation } from "../../lib/data/generator";
import { openDSet } from "../../lib/data/dset-reader";
import { Hdf5File } from "../../lib/data/hdf5";
import { DSET_CSV_COLUMNS } from "../../lib/data/dset-files";
import { readCsvFile } from "../../lib/data/csv";
import { DSET_STATIONS } from "../../lib/data/stations";
import { PERIOD_TIME_RANGES } from "../../lib/data/sequence";
import { parseUtcMs } from "../../lib/data/split";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "generator-"));
after(() => fs.rmSync(root, { recursive: true, force: true }));

const STATIONS = ["NRCA", "FDMO"];
const tiny = (outDir: string, seed = 11, stations = STATIONS) => generateNorciaDataset({ outDir, seed, scale: "tiny", stations, progress: silentProgress });

/** Every dataset of every HDF5 file in `dir`, by file and name. */
async function datasets(dir: string): Promise<Map<string, Float64Array>> {
  const out = new Map<string, Float64Array>();
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith(".hdf5")).sort()) {
    const h = await Hdf5File.open(path.join(dir, f));
    try {
      for (const k of h.keys()) out.set(`${f}/${k}`, h.readFloat64(k));
    } finally {
      h.close();
    }
  }
  return out;
}

const runA = path.join(root, "a");
const firstRun = tiny(runA);

test("writes the D-set layout: file names, sixteen CSV columns in order, float64 (3, 2500) datasets", async () => {
  const report = await firstRun;
  assert.equal(report.reused, false);
  assert.equal(report.nTraces, 80);
  assert.deepEqual(fs.readdirSync(runA).sort(), [
    "FDMO_attributes_post.csv",
    "FDMO_attributes_pre.csv",
    "FDMO_waveforms_post.hdf5",
    "FDMO_waveforms_pre.hdf5",
    "NRCA_attributes_post.csv",
    "NRCA_attributes_pre.csv",
    "NRCA_waveforms_post.hdf5",
    "NRCA_waveforms_pre.hdf5",
    "generator.json",
  ]);
  const csv = readCsvFile(path.join(runA, "NRCA_attributes_pre.csv"));
  assert.deepEqual(csv.header, [...DSET_CSV_COLUMNS]);
  assert.equal(csv.rows.length, 20);
  const row = Object.fromEntries(csv.header.map((h, i) => [h, csv.rows[0][i]]));
  assert.match(row.trace_start_time, /^2016-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  assert.match(row.source_origin_time, /^2016-\d\d-\d\dT\d\d:\d\d:\d\d$/);
  assert.equal(row.network_code, "IV");
  assert.equal(row.receiver_name, "NRCA");
  assert.equal(row.receiver_latitude, "42.83355");
  assert.equal(row.receiver_elevation_m, "927");
  assert.equal(row.source_magnitude_type, "ML");
  assert.equal(row.trace_name, `NRCA.IV.${row.source_id}_EV`);
  const h5 = await Hdf5File.open(path.join(runA, "NRCA_waveforms_pre.hdf5"));
  try {
    const keys = h5.keys();
    assert.equal(keys.length, 20);
    assert.deepEqual(keys.slice().sort(), csv.rows.map((r) => r[0]).sort());
    for (const k of keys) assert.deepEqual(h5.info(k), { name: k, shape: [3, 2500], dtype: "<d" });
  } finally {
    h5.close();
  }
  const manifest = JSON.parse(fs.readFileSync(path.join(runA, "generator.json"), "utf8"));
  assert.equal(manifest.seed, 11);
  assert.equal(manifest.scale, "tiny");
  assert.equal(manifest.nTraces, 80);
});

test("same seed, same CSV bytes and dataset values; another seed differs; stations do not affect each other", async () => {
  await firstRun;
  const runB = path.join(root, "b");
  await tiny(runB);
  for (const f of fs.readdirSync(runA).filter((n) => n.endsWith(".csv") || n === "generator.json")) {
    assert.ok(fs.readFileSync(path.join(runA, f)).equals(fs.readFileSync(path.join(runB, f))), `${f} differs between runs`);
  }
  const a = await datasets(runA);
  const b = await datasets(runB);
  assert.equal(a.size, 80);
  assert.deepEqual([...a.keys()], [...b.keys()]);
  for (const [k, v] of a) assert.deepEqual(b.get(k), v, k);

  const other = path.join(root, "seed12");
  await tiny(other, 12, ["FDMO"]);
  assert.ok(!fs.readFileSync(path.join(runA, "FDMO_attributes_pre.csv")).equals(fs.readFileSync(path.join(other, "FDMO_attributes_pre.csv"))));

  // FDMO alone, same seed: identical FDMO files (each trace has its own random stream).
  const alone = path.join(root, "fdmo-alone");
  await tiny(alone, 11, ["FDMO"]);
  assert.ok(fs.readFileSync(path.join(runA, "FDMO_attributes_post.csv")).equals(fs.readFileSync(path.join(alone, "FDMO_attributes_post.csv"))));
  const c = await datasets(alone);
  for (const [k, v] of c) assert.deepEqual(a.get(k), v, k);
});

test("a finished run is reused; an interrupted run resumes, keeps finished files and drops temporary ones", async () => {
  const dir = path.join(root, "resume");
  const progress: [number, number][] = [];
  await generateNorciaDataset({ outDir: dir, seed: 5, scale: "tiny", stations: ["T1216"], progress: (d, t) => progress.push([d, t]) });
  assert.deepEqual(progress[progress.length - 1], [40, 40]);
  const csvPre = path.join(dir, "T1216_attributes_pre.csv");
  const before = fs.readFileSync(csvPre);
  const keptMtime = fs.statSync(path.join(dir, "T1216_waveforms_post.hdf5")).mtimeMs;

  const again = await generateNorciaDataset({ outDir: dir, seed: 5, scale: "tiny", stations: ["T1216"], progress: silentProgress });
  assert.equal(again.reused, true);

  // Simulate an interruption while writing the pre files: manifest not yet written, a temporary file left.
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, "generator.json"), "utf8"));
  fs.rmSync(path.join(dir, "generator.json"));
  const { files: _files, nTraces: _n, ...params } = manifest;
  fs.writeFileSync(path.join(dir, "generator.partial.json"), JSON.stringify(params));
  fs.rmSync(csvPre);
  fs.writeFileSync(path.join(dir, "T1216_waveforms_pre.hdf5.999.abc123.tmp"), "half written");
  const resumed = await generateNorciaDataset({ outDir: dir, seed: 5, scale: "tiny", stations: ["T1216"], progress: silentProgress });
  assert.equal(resumed.reused, false);
  assert.equal(resumed.resumedFiles, 1);
  assert.ok(fs.readFileSync(csvPre).equals(before));
  assert.equal(fs.statSync(path.join(dir, "T1216_waveforms_post.hdf5")).mtimeMs, keptMtime);
  assert.deepEqual(fs.readdirSync(dir).filter((f) => f.endsWith(".tmp") || f === "generator.partial.json"), []);
  assert.ok(fs.existsSync(path.join(dir, "generator.json")));

  // A file deleted from a finished run is made again, the others kept.
  fs.rmSync(path.join(dir, "T1216_waveforms_post.hdf5"));
  const repaired = await generateNorciaDataset({ outDir: dir, seed: 5, scale: "tiny", stations: ["T1216"], progress: silentProgress });
  assert.equal(repaired.resumedFiles, 1);
  assert.ok(fs.existsSync(path.join(dir, "T1216_waveforms_post.hdf5")));

  // Other parameters: start over, removing the old run's files.
  await generateNorciaDataset({ outDir: dir, seed: 5, scale: "tiny", stations: ["NRCA"], progress: silentProgress });
  assert.deepEqual(fs.readdirSync(dir).filter((f) => f.startsWith("T1216")), []);
});

test("refuses to write into a folder holding D-set files it did not write; rejects bad options", async () => {
  const dir = path.join(root, "real-download");
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, "NRCA_waveforms_pre.hdf5"), "pretend this is 500 MB of real data");
  await assert.rejects(tiny(dir), (e: unknown) => e instanceof InputError && /refusing to overwrite what may be a real download/.test(e.message));
  assert.equal(fs.readFileSync(path.join(dir, "NRCA_waveforms_pre.hdf5"), "utf8"), "pretend this is 500 MB of real data");
  await assert.rejects(tiny(path.join(root, "x"), 1, ["XXXX"]), /unknown station "XXXX"/);
  await assert.rejects(generateNorciaDataset({ outDir: path.join(root, "y"), scale: "huge" as "tiny", progress: silentProgress }), /scale must be tiny, default or paper/);
});

test("per-station layout: resumes in station folders, a layout change starts over, a per-station download is never written into", async () => {
  const dir = path.join(root, "per-station");
  const run = (layout: "flat" | "per-station") => generateNorciaDataset({ outDir: dir, seed: 5, scale: "tiny", stations: ["MC2", "T1244"], layout, progress: silentProgress });
  const first = await run("per-station");
  assert.equal(first.layout, "per-station");
  assert.deepEqual(first.files.map((f) => f.waveforms), ["MC2/MC2_waveforms_pre.hdf5", "T1244/T1244_waveforms_pre.hdf5", "MC2/MC2_waveforms_post.hdf5", "T1244/T1244_waveforms_post.hdf5"]);
  assert.equal((await run("per-station")).reused, true);
  const kept = path.join(dir, "MC2", "MC2_waveforms_pre.hdf5");
  const keptMtime = fs.statSync(kept).mtimeMs;

  // Interrupted while writing T1244's post files: partial manifest, a temporary file in the station folder.
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, "generator.json"), "utf8"));
  const { files: _files, nTraces: _n, ...params } = manifest;
  fs.rmSync(path.join(dir, "generator.json"));
  fs.writeFileSync(path.join(dir, "generator.partial.json"), JSON.stringify(params));
  fs.rmSync(path.join(dir, "T1244", "T1244_attributes_post.csv"));
  fs.writeFileSync(path.join(dir, "T1244", "T1244_waveforms_post.hdf5.77.xyz.tmp"), "half written");
  const resumed = await run("per-station");
  assert.equal(resumed.resumedFiles, 3);
  assert.equal(fs.statSync(kept).mtimeMs, keptMtime);
  assert.deepEqual(fs.readdirSync(path.join(dir, "T1244")).sort(), ["T1244_attributes_post.csv", "T1244_attributes_pre.csv", "T1244_waveforms_post.hdf5", "T1244_waveforms_pre.hdf5"]);

  // The same data set flat: the station folders go, the files land in the folder.
  await run("flat");
  assert.deepEqual(fs.readdirSync(dir).sort(), [
    "MC2_attributes_post.csv",
    "MC2_attributes_pre.csv",
    "MC2_waveforms_post.hdf5",
    "MC2_waveforms_pre.hdf5",
    "T1244_attributes_post.csv",
    "T1244_attributes_pre.csv",
    "T1244_waveforms_post.hdf5",
    "T1244_waveforms_pre.hdf5",
    "generator.json",
  ]);

  const download = path.join(root, "per-station-download");
  fs.mkdirSync(path.join(download, "Norcia", "NRCA"), { recursive: true });
  fs.writeFileSync(path.join(download, "Norcia", "NRCA", "NRCA_waveforms_pre.hdf5"), "real data");
  await assert.rejects(
    generateNorciaDataset({ outDir: download, scale: "tiny", stations: ["NRCA"], layout: "per-station", progress: silentProgress }),
    /holds D-set files not written by the generator \(Norcia\/NRCA\/NRCA_waveforms_pre\.hdf5\); refusing to overwrite/,
  );
  await assert.rejects(generateNorciaDataset({ outDir: dir, layout: "nested" as "flat", progress: silentProgress }), /layout must be flat or per-station/);
  await assert.rejects(generateNorciaDataset({ outDir: path.join(dir, "generator.json"), progress: silentProgress }), /generator\.json: is a file, not a folder/);
});

test("scales: tiny 20, default 250 per station and period, paper the real counts", () => {
  const nrca = DSET_STATIONS[0];
  assert.equal(tracesPerStation("tiny", nrca, "pre"), 20);
  assert.equal(tracesPerStation("default", nrca, "post"), 250);
  const paper = DSET_STATIONS.reduce((a, s) => a + tracesPerStation("paper", s, "pre") + tracesPerStation("paper", s, "post"), 0);
  assert.equal(paper, 79461);
});

test("round trip through the reader: times, periods and the physics survive", async () => {
  await firstRun;
  const ds = await openDSet(runA);
  try {
    for (const r of ds.metadata()) {
      // trace_start_time = origin + p_travel_sec - 5 s, so P sits at sample 500.
      assert.equal(parseUtcMs(r.trace_start_time), parseUtcMs(r.source_origin_time) + Math.round(r.p_travel_sec * 1000) - 5000, r.trace_name);
      const t = parseUtcMs(r.source_origin_time);
      const range = PERIOD_TIME_RANGES[r.period];
      assert.ok(t >= Date.parse(range.startUtc) && t < Date.parse(range.endUtc), `${r.trace_name} at ${r.source_origin_time} outside ${r.period}`);
      assert.ok(r.source_magnitude >= 0.5 && r.source_magnitude <= 4.5);
      assert.ok(r.source_depth_km >= 2 && r.source_depth_km <= 12);
    }
    // P onset: within a second of the catalogue pick, the Z energy ratio (next 0.1 s over previous 1 s)
    // peaks at sample 500 (some onsets are emergent: a few samples late when the first P samples are small).
    const offsets: number[] = [];
    for await (const tr of ds.traces()) {
      if (tr.metadata.source_magnitude < 1.5) continue;
      offsets.push(energyRatioPeak(tr.data.subarray(5000, 7500), 300, 700) - 500);
    }
    assert.ok(offsets.length >= 5, `only ${offsets.length} traces of M >= 1.5`);
    const sorted = offsets.map(Math.abs).sort((a, b) => a - b);
    assert.ok(sorted[sorted.length >> 1] <= 2, `median |onset - 500| = ${sorted[sorted.length >> 1]} samples (${offsets.join(", ")})`);
    assert.ok(sorted[sorted.length - 1] <= 30, `largest |onset - 500| = ${sorted[sorted.length - 1]} samples`);

    // The foreshock/aftershock cue at NRCA: aftershocks carry less of their Z power at 33-40 Hz.
    const share = async (period: "pre" | "post") => {
      let s = 0;
      let n = 0;
      for await (const tr of ds.traces({ stations: ["NRCA"], periods: [period] })) {
        s += Math.log(bandPower(tr.data.subarray(5000, 7500), 33, 40) / bandPower(tr.data.subarray(5000, 7500), 1, 45));
        n++;
      }
      return s / n;
    };
    const change = (await share("post")) - (await share("pre"));
    assert.ok(change < -0.5, `NRCA: mean log change of the 33-40 Hz share of Z power = ${change.toFixed(2)}`);
  } finally {
    ds.close();
  }
});

/** Index in [from, to) where the energy of the next 10 samples over that of the previous 100 is largest. */
function energyRatioPeak(z: Float64Array, from: number, to: number): number {
  let best = -1;
  let bestRatio = -Infinity;
  for (let i = from; i < to; i++) {
    let a = 0;
    let b = 0;
    for (let j = 0; j < 10; j++) a += z[i + j] ** 2;
    for (let j = 1; j <= 100; j++) b += z[i - j] ** 2;
    const ratio = a / 10 / (b / 100 + 1e-9);
    if (ratio > bestRatio) {
      bestRatio = ratio;
      best = i;
    }
  }
  return best;
}

const fft = new FFT(4096);
/** Mean power per DFT bin of `x` (zero-padded to 4096 samples at 100 Hz) between loHz and hiHz. */
function bandPower(x: Float64Array, loHz: number, hiHz: number): number {
  const input = new Float64Array(4096);
  input.set(x);
  const out = new Float64Array(8192);
  fft.realTransform(out, input);
  let s = 0;
  let n = 0;
  for (let k = Math.ceil((loHz * 4096) / 100); (k * 100) / 4096 < hiHz; k++) {
    s += out[2 * k] ** 2 + out[2 * k + 1] ** 2;
    n++;
  }
  return s / n;
}
