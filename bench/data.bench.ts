/**
 * Data layer speed: synthesis per trace, generating the tiny and default data sets, opening a D-set folder
 * and reading its traces (lazily, and by name). Targets from the issue: tiny in seconds, default (4,500
 * traces) well under a minute; reading is projected to the real D-set's 79,454 traces.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Rng } from "../lib/core/rng";
import { silentProgress } from "../lib/core/progress";
import { WaveformSynthesizer, stationSiteModel } from "../lib/data/physics";
import { generateNorciaDataset } from "../lib/data/generator";
import { openDSet } from "../lib/data/dset-reader";
import { loadH5wasm } from "../lib/data/hdf5";
import { DSET_USABLE_TRACES } from "../lib/data/stations";

const line = (label: string, value: string, target = "") => console.log(`${label.padEnd(44)} ${value.padStart(14)}${target ? `   ${target}` : ""}`);

async function main(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "data-bench-"));
  try {
    let t = performance.now();
    await loadH5wasm();
    line("load h5wasm (WebAssembly compile)", `${((performance.now() - t) / 1000).toFixed(2)} s`);

    const synth = new WaveformSynthesizer();
    const model = stationSiteModel("NRCA");
    for (let i = 0; i < 50; i++) synth.synthesize({ magnitude: 1.5, stressDropBar: 25, hypocentralDistanceKm: 12, azimuthDeg: 30 }, model, "pre", new Rng(i));
    const nSynth = 500;
    t = performance.now();
    for (let i = 0; i < nSynth; i++) synth.synthesize({ magnitude: 0.5 + (4 * i) / nSynth, stressDropBar: 25, hypocentralDistanceKm: 5 + (i % 30), azimuthDeg: 30 }, model, "pre", new Rng(i));
    const synthMs = (performance.now() - t) / nSynth;
    line("synthesise one trace (3 x 2500)", `${synthMs.toFixed(2)} ms`);

    t = performance.now();
    await generateNorciaDataset({ outDir: path.join(root, "tiny"), scale: "tiny", seed: 1, progress: silentProgress });
    const tinyS = (performance.now() - t) / 1000;
    line("generate tiny (360 traces)", `${tinyS.toFixed(1)} s`, `target: seconds (${(tinyS / 10).toFixed(2)} of 10 s)`);

    const dir = path.join(root, "default");
    t = performance.now();
    const report = await generateNorciaDataset({ outDir: dir, scale: "default", seed: 1, progress: silentProgress });
    const defaultS = (performance.now() - t) / 1000;
    line(`generate default (${report.nTraces} traces)`, `${defaultS.toFixed(1)} s`, `target: well under 60 s (${(defaultS / 60).toFixed(2)} of 60 s)`);
    const bytes = fs.readdirSync(dir).reduce((a, f) => a + fs.statSync(path.join(dir, f)).size, 0);
    line("  size on disk", `${(bytes / 2 ** 20).toFixed(0)} MiB`);
    t = performance.now();
    const again = await generateNorciaDataset({ outDir: dir, scale: "default", seed: 1, progress: silentProgress });
    line(`  second call (reused: ${again.reused})`, `${(performance.now() - t).toFixed(0)} ms`);

    t = performance.now();
    const ds = await openDSet(dir);
    const openMs = performance.now() - t;
    const n = ds.count();
    line(`open the folder (${n} traces, shapes checked)`, `${openMs.toFixed(0)} ms`, `~${((openMs / n) * DSET_USABLE_TRACES / 1000).toFixed(1)} s for the real D-set`);
    t = performance.now();
    const rows = ds.metadata();
    line(`metadata() (${rows.length} rows)`, `${(performance.now() - t).toFixed(1)} ms`);
    t = performance.now();
    let checksum = 0;
    for await (const tr of ds.traces()) checksum += tr.data[1234];
    const iterMs = performance.now() - t;
    line("iterate over every trace", `${((iterMs / n) * 1000).toFixed(0)} us/trace`, `~${((iterMs / n) * DSET_USABLE_TRACES / 1000).toFixed(0)} s for the real D-set (${(n / (iterMs / 1000)).toFixed(0)} traces/s)`);
    const rng = new Rng(3);
    const names = Array.from({ length: 500 }, () => rows[rng.int(rows.length)].trace_name);
    t = performance.now();
    for (const name of names) checksum += (await ds.readTrace(name)).data[0];
    line("readTrace by name, random order", `${(((performance.now() - t) / names.length) * 1000).toFixed(0)} us/trace`);
    ds.close();
    if (!Number.isFinite(checksum)) throw new Error("non-finite checksum");
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
