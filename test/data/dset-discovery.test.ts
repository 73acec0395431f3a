import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { InputError } from "../../lib/core/errors";
import { silentProgress } from "../../lib/core/progress";
import { openDSet } from "../../lib/data/dset-reader";
import { describeLayout, discoverDSet, scanDSetFolder, unpackCommand } from "../../lib/data/dset-discovery";
import { generateNorciaDataset } from "../../lib/data/generator";
import { dsetIdentity } from "../../lib/data/dset-identity";
import { buildFeatureTable } from "../../lib/features/feature-table";
import { buildImageCache } from "../../lib/spectrogram/image-cache";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "dset-discovery-"));
const flat = path.join(root, "flat");
const perStation = path.join(root, "per-station");
const STATIONS = ["NRCA", "MMO1"];

before(async () => {
  await generateNorciaDataset({ outDir: flat, seed: 3, scale: "tiny", stations: STATIONS, progress: silentProgress });
  await generateNorciaDataset({ outDir: perStation, seed: 3, scale: "tiny", stations: STATIONS, layout: "per-station", progress: silentProgress });
});
after(() => fs.rmSync(root, { recursive: true, force: true }));

/** A fresh folder under the test root. */
function folder(name: string): string {
  const dir = path.join(root, name);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Copies the flat set's file `name` to `dir/rel`. */
function copy(name: string, dir: string, rel = name): void {
  fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  fs.copyFileSync(path.join(flat, name), path.join(dir, rel));
}

/** Every trace of a folder: name -> first and last samples and the CSV row. */
async function contents(dir: string): Promise<Map<string, string>> {
  const ds = await openDSet(dir);
  const out = new Map<string, string>();
  try {
    for await (const t of ds.traces()) out.set(t.name, `${t.data[0]},${t.data[7499]},${JSON.stringify(t.row)}`);
  } finally {
    ds.close();
  }
  return out;
}

test("the generator's per-station layout: <root>/<STA>/<STA>_waveforms_<period>.hdf5, the same data as the flat one", async () => {
  assert.deepEqual(fs.readdirSync(perStation).sort(), ["MMO1", "NRCA", "generator.json"]);
  assert.deepEqual(fs.readdirSync(path.join(perStation, "NRCA")).sort(), ["NRCA_attributes_post.csv", "NRCA_attributes_pre.csv", "NRCA_waveforms_post.hdf5", "NRCA_waveforms_pre.hdf5"]);
  const manifest = JSON.parse(fs.readFileSync(path.join(perStation, "generator.json"), "utf8"));
  assert.equal(manifest.layout, "per-station");
  assert.ok(manifest.files.some((f: { waveforms: string }) => f.waveforms === "NRCA/NRCA_waveforms_pre.hdf5"));
  for (const name of ["NRCA_attributes_pre.csv", "MMO1_attributes_post.csv"]) {
    assert.ok(fs.readFileSync(path.join(flat, name)).equals(fs.readFileSync(path.join(perStation, name.split("_")[0], name))), name);
  }
  const ds = await openDSet(perStation);
  try {
    assert.equal(ds.layout, "one folder per station");
    assert.equal(ds.count(), 80);
    assert.deepEqual(ds.ignoredFiles, []);
    assert.equal(ds.filePairs[0].waveformsPath, path.join(perStation, "MMO1", "MMO1_waveforms_pre.hdf5"));
    assert.match(ds.summary(), /\(one folder per station\): 80 usable traces, 4 file pairs, 2 stations\n {2}found 8 D-set files, paired 8, skipped 0 traces, ignored 0 files\n {2}pre: MMO1 20, NRCA 20\n {2}post: MMO1 20, NRCA 20/);
  } finally {
    ds.close();
  }
  assert.deepEqual(await contents(perStation), await contents(flat));
});

test("an extra top folder (the archive's own name) above either layout, and mixed waveforms/catalog names in other folders", async () => {
  const top = folder("top");
  for (const f of fs.readdirSync(flat).filter((n) => n !== "generator.json")) copy(f, top, `Norcia_DSet/${f.split("_")[0]}/${f}`);
  fs.writeFileSync(path.join(top, "README.md"), "the record's readme");
  let ds = await openDSet(top);
  assert.equal(ds.layout, "one folder per station, under Norcia_DSet/");
  assert.equal(ds.count(), 80);
  assert.deepEqual(ds.ignoredFiles, []);
  ds.close();

  const topFlat = folder("top-flat");
  for (const f of fs.readdirSync(flat).filter((n) => n !== "generator.json")) copy(f, topFlat, `dset/${f}`);
  ds = await openDSet(topFlat);
  assert.equal(ds.layout, "flat, under dset/");
  ds.close();

  // Laurenti's catalog name for one file, the Zenodo name for another, HDF5 and CSV in separate folders.
  const mixed = folder("mixed");
  copy("NRCA_waveforms_pre.hdf5", mixed, "waveforms/NRCA_catalog_pre.hdf5");
  copy("NRCA_attributes_pre.csv", mixed, "attributes/NRCA_attributes_pre.csv");
  copy("MMO1_waveforms_post.hdf5", mixed, "MMO1/MMO1_waveforms_post.hdf5");
  copy("MMO1_attributes_post.csv", mixed, "MMO1/MMO1_attributes_post.csv");
  ds = await openDSet(mixed);
  try {
    assert.equal(ds.layout, "mixed folders");
    assert.deepEqual(ds.counts(), [
      { station: "MMO1", period: "post", nTraces: 20 },
      { station: "NRCA", period: "pre", nTraces: 20 },
    ]);
    assert.equal(ds.filePairs[1].waveformsPath, path.join(mixed, "waveforms", "NRCA_catalog_pre.hdf5"));
  } finally {
    ds.close();
  }
});

test("the summary says what was found, paired, skipped and ignored, with paths relative to the root", async () => {
  const dir = folder("summary");
  for (const f of fs.readdirSync(flat).filter((n) => n.startsWith("NRCA"))) copy(f, dir, `NRCA/${f}`);
  copy("MMO1_waveforms_pre.hdf5", dir, "MMO1/MMO1_waveforms_pre.hdf5");
  fs.writeFileSync(path.join(dir, "NRCA", "notes.txt"), "x");
  fs.writeFileSync(path.join(dir, "MMO1", "MMO1_waveforms_post.hdf5.part"), "half a download");
  fs.mkdirSync(path.join(dir, "figures"));
  for (let i = 0; i < 8; i++) fs.writeFileSync(path.join(dir, "figures", `fig${i}.png`), "png");
  fs.mkdirSync(path.join(dir, "a", "b", "c", "d"), { recursive: true });
  fs.mkdirSync(path.join(dir, ".git"));
  fs.writeFileSync(path.join(dir, ".git", "NRCA_waveforms_pre.hdf5"), "not searched");
  const ds = await openDSet(dir);
  try {
    assert.deepEqual(
      ds.ignoredFiles.map((i) => [i.relPath, i.reason]),
      [
        ["MMO1/MMO1_waveforms_post.hdf5.part", "an unfinished download: let it finish (or download it again)"],
        ["NRCA/notes.txt", "not a D-set file name"],
        ["a/b/c/d/", "not searched: more than 4 folder levels below the root"],
        ["figures/", "8 files, none named like a D-set file"],
        ["MMO1/MMO1_waveforms_pre.hdf5", "no MMO1_attributes_pre.csv found to pair it with"],
      ],
    );
    assert.equal(ds.ignoredFiles[1].file, path.join(dir, "NRCA", "notes.txt"));
    const summary = ds.summary();
    assert.match(summary, /found 5 D-set files, paired 4, skipped 0 traces, ignored 5 files/);
    assert.match(summary, /\n {4}MMO1\/MMO1_waveforms_pre\.hdf5: no MMO1_attributes_pre\.csv found to pair it with/);
    assert.ok(!summary.includes(`${dir}/`), "paths in the summary are relative to the root");
  } finally {
    ds.close();
  }
});

test("skipped traces are named with paths relative to the root in the summary", async () => {
  const dir = folder("skips");
  copy("NRCA_waveforms_pre.hdf5", dir, "NRCA/NRCA_waveforms_pre.hdf5");
  const csv = fs.readFileSync(path.join(flat, "NRCA_attributes_pre.csv"), "utf8");
  const extra = csv.trim().split("\n")[1].replace(/^NRCA\.IV\.[^,]+_EV/, "NRCA.IV.999_EV");
  fs.writeFileSync(path.join(dir, "NRCA", "NRCA_attributes_pre.csv"), `${csv.trim()}\n${extra}\n`);
  const ds = await openDSet(dir);
  try {
    assert.equal(ds.skipped[0].file, path.join(dir, "NRCA", "NRCA_attributes_pre.csv"));
    assert.match(ds.summary(), /\n {4}NRCA\/NRCA_attributes_pre\.csv NRCA\.IV\.999_EV: no dataset in NRCA_waveforms_pre\.hdf5/);
  } finally {
    ds.close();
  }
});

test("an archive that was not unpacked is named with the command that unpacks it", async () => {
  const dir = folder("archive");
  fs.writeFileSync(path.join(dir, "Norcia_DSet.zip"), "PK");
  fs.writeFileSync(path.join(dir, "NRCA.tar.gz"), "gz");
  await assert.rejects(openDSet(dir), (e: unknown) => {
    assert.ok(e instanceof InputError);
    assert.match(e.message, /holds 2 archives that were not unpacked: NRCA\.tar\.gz \(unpack it with: tar -xzf \S+NRCA\.tar\.gz -C \S+archive\); Norcia_DSet\.zip \(unpack it with: unzip \S+Norcia_DSet\.zip -d \S+archive\), then open the folder again/);
    return true;
  });
  // Pointed at the archive itself, or at the folder it would make.
  await assert.rejects(openDSet(path.join(dir, "Norcia_DSet.zip")), /Norcia_DSet\.zip: is an archive, not a folder: unpack it first \(unzip .*Norcia_DSet\.zip -d .*\) and open the folder it makes/);
  await assert.rejects(openDSet(path.join(dir, "Norcia_DSet")), /Norcia_DSet: no such folder, but Norcia_DSet\.zip is beside it: unpack it with: unzip /);
  // Beside unpacked files, an archive is listed, not an error.
  copy("NRCA_waveforms_pre.hdf5", dir);
  copy("NRCA_attributes_pre.csv", dir);
  const ds = await openDSet(dir);
  assert.deepEqual(
    ds.ignoredFiles.map((i) => i.relPath),
    ["NRCA.tar.gz", "Norcia_DSet.zip"],
  );
  assert.match(ds.ignoredFiles[1].reason, /^archive, not read \(if it holds more of the D-set, unpack it: unzip /);
  ds.close();
  assert.equal(unpackCommand("/d/x.tgz"), "tar -xzf /d/x.tgz -C /d");
  assert.equal(unpackCommand("/d/NRCA_waveforms_pre.hdf5.gz"), "gunzip -k /d/NRCA_waveforms_pre.hdf5.gz");
  assert.equal(unpackCommand("/my data/x.tar"), "tar -xf '/my data/x.tar' -C '/my data'");
  assert.equal(unpackCommand("/d/x.hdf5"), null);
});

test("a missing folder, a file and a folder named like an HDF5 file get our errors, not ENOENT or EISDIR", async () => {
  const missing = path.join(root, "no-such-dset");
  const isOurs = (re: RegExp) => (e: unknown) => e instanceof InputError && re.test(e.message) && !/ENOENT|EISDIR|scandir/.test(e.message);
  await assert.rejects(openDSet(missing), isOurs(new RegExp(`^${missing}: no such folder: give the folder that holds the unpacked D-set`)));
  await assert.rejects(openDSet(path.join(flat, "NRCA_waveforms_pre.hdf5")), isOurs(/NRCA_waveforms_pre\.hdf5: is a file, not a folder: open the folder that holds it/));

  // A folder named like an HDF5 file (say, an unzipped NRCA_waveforms_pre.hdf5.zip) is searched like any folder.
  const named = folder("named-like-files");
  fs.mkdirSync(path.join(named, "NRCA_waveforms_pre.hdf5"));
  copy("NRCA_attributes_pre.csv", named);
  await assert.rejects(openDSet(named), isOurs(/no D-set file pairs .*ignored: NRCA_attributes_pre\.csv \(no NRCA_waveforms_pre\.hdf5 found to pair it with\)/));
  copy("NRCA_waveforms_pre.hdf5", named, "NRCA_waveforms_pre.hdf5/NRCA_waveforms_pre.hdf5");
  const ds = await openDSet(named);
  assert.equal(ds.count(), 20);
  ds.close();
  const asRoot = folder("MMO1_waveforms_post.hdf5");
  copy("MMO1_waveforms_post.hdf5", asRoot);
  copy("MMO1_attributes_post.csv", asRoot);
  (await openDSet(asRoot)).close();

  // An empty D-set file (an interrupted copy) is listed, not opened.
  const empty = folder("empty-file");
  fs.writeFileSync(path.join(empty, "NRCA_waveforms_pre.hdf5"), "");
  copy("NRCA_attributes_pre.csv", empty);
  await assert.rejects(openDSet(empty), isOurs(/NRCA_waveforms_pre\.hdf5 \(empty file \(an interrupted copy or download\?\)\)/));

  // The caches built on a D-set folder report the same errors.
  for (const build of [
    () => buildFeatureTable(missing, { cacheDir: path.join(root, "cache-f"), workers: 0 }),
    () => buildImageCache(missing, { cacheDir: path.join(root, "cache-i"), workers: 0 }),
  ]) {
    await assert.rejects(build(), isOurs(new RegExp(`^${missing}: no such folder`)));
  }
  await assert.rejects(buildFeatureTable(named.replace("named-like-files", "named-like-files/NRCA_waveforms_pre.hdf5/NRCA_waveforms_pre.hdf5"), { cacheDir: path.join(root, "cache-g"), workers: 0 }), isOurs(/is a file, not a folder/));
});

test("two copies of one station-period file are an error naming both", async () => {
  const dir = folder("two-copies");
  copy("NRCA_waveforms_pre.hdf5", dir, "NRCA/NRCA_waveforms_pre.hdf5");
  copy("NRCA_waveforms_pre.hdf5", dir, "backup/NRCA_catalog_pre.hdf5");
  copy("NRCA_attributes_pre.csv", dir, "NRCA/NRCA_attributes_pre.csv");
  await assert.rejects(openDSet(dir), /two waveform files for NRCA pre: NRCA\/NRCA_waveforms_pre\.hdf5 and backup\/NRCA_catalog_pre\.hdf5; keep one/);
  // The station filter opens what is not in question.
  copy("MMO1_waveforms_pre.hdf5", dir, "MMO1/MMO1_waveforms_pre.hdf5");
  copy("MMO1_attributes_pre.csv", dir, "MMO1/MMO1_attributes_pre.csv");
  const ds = await openDSet(dir, { stations: ["MMO1"] });
  assert.equal(ds.count(), 20);
  ds.close();
});

test("a folder whose generation was interrupted is refused, saying how to resume; resuming opens it", async () => {
  for (const layout of ["flat", "per-station"] as const) {
    const dir = path.join(root, `interrupted-${layout}`);
    await generateNorciaDataset({ outDir: dir, seed: 9, scale: "tiny", stations: ["T1216"], layout, progress: silentProgress });
    // What an interruption after the first pair leaves: the partial manifest, no final one, one pair missing.
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, "generator.json"), "utf8"));
    const { files: _f, nTraces: _n, ...params } = manifest;
    fs.rmSync(path.join(dir, "generator.json"));
    fs.writeFileSync(path.join(dir, "generator.partial.json"), JSON.stringify(params));
    const sub = layout === "per-station" ? "T1216/" : "";
    fs.rmSync(path.join(dir, `${sub}T1216_attributes_post.csv`));
    const expected = new RegExp(
      `^${dir}: the generator has not finished writing this data set \\(generator\\.partial\\.json is present: it was interrupted, or is running now\\); ` +
        `1 of 2 station-period file pairs are complete\\. Re-run the same generator command to resume it \\(finished files are kept\\): ` +
        `npm run data -- --out ${dir} --scale tiny --seed 9${layout === "per-station" ? " --layout per-station" : ""} \\(for the stations T1216: generateNorciaDataset with the same options\\)$`,
    );
    await assert.rejects(openDSet(dir), (e: unknown) => e instanceof InputError && expected.test(e.message));
    await assert.rejects(buildFeatureTable(dir, { cacheDir: path.join(root, `cache-${layout}`), workers: 0 }), /the generator has not finished writing this data set/);
    // Pointed at the folder above, the same.
    await assert.rejects(openDSet(root), /generator\.partial\.json is present/);
    const resumed = await generateNorciaDataset({ outDir: dir, seed: 9, scale: "tiny", stations: ["T1216"], layout, progress: silentProgress });
    assert.equal(resumed.resumedFiles, 1);
    const ds = await openDSet(dir);
    assert.equal(ds.count(), 40);
    ds.close();
  }
});

test("the data-set identity covers files in station folders and under a top folder", () => {
  const id = dsetIdentity(perStation);
  assert.equal(id.files[0].file, "MMO1/MMO1_attributes_post.csv");
  assert.equal(id.files.length, 8);
  assert.equal(dsetIdentity(flat).files[0].file, "MMO1_attributes_post.csv");
  // One more folder level above the station folders (an archive's own name) is still read.
  const top = fs.mkdtempSync(path.join(os.tmpdir(), "dset-identity-"));
  fs.cpSync(perStation, path.join(top, "dset-v1", "waveforms"), { recursive: true });
  const nested = dsetIdentity(top);
  assert.equal(nested.files.length, 8);
  assert.equal(nested.files[0].file, "dset-v1/waveforms/MMO1/MMO1_attributes_post.csv");
  // A changed CSV changes the key.
  const csv = path.join(top, nested.files[0].file);
  fs.appendFileSync(csv, "\n");
  assert.notEqual(dsetIdentity(top).key, nested.key);
  fs.rmSync(top, { recursive: true, force: true });
});

test("scanDSetFolder and describeLayout", () => {
  const scan = scanDSetFolder(perStation);
  assert.equal(scan.found.length, 8);
  assert.equal(scan.found[0].relPath, "MMO1/MMO1_attributes_post.csv");
  assert.deepEqual(scan.generatorPartials, []);
  const d = discoverDSet(perStation, { stations: ["NRCA"], periods: ["post"] });
  assert.deepEqual(d.pairs.map((p) => [p.station, p.period]), [["NRCA", "post"]]);
  const f = (relPath: string) => ({ relPath, path: relPath, station: relPath.split("/").pop()!.split("_")[0], kind: "attributes" as const, period: "pre" as const });
  assert.equal(describeLayout([f("A_attributes_pre.csv")]), "flat");
  assert.equal(describeLayout([f("x/y/A/A_attributes_pre.csv"), f("x/y/B/B_attributes_pre.csv")]), "one folder per station, under x/y/");
  assert.equal(describeLayout([f("A/A_attributes_pre.csv"), f("B_attributes_pre.csv")]), "mixed folders");
});
