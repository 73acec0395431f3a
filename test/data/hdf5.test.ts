import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { InputError } from "../../lib/core/errors";
import { Hdf5File, Hdf5Writer, assertHdf5Complete } from "../../lib/data/hdf5";
import { skipOutsideCi } from "../helpers/golden";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hdf5-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
const values = Float64Array.from({ length: 7500 }, (_, i) => Math.sin(i) * 1000 + i / 7);

async function writeSample(file: string): Promise<void> {
  const w = await Hdf5Writer.create(file);
  w.addFloat64("NRCA.IV.1_EV", values, [3, 2500]);
  w.addFloat64("NRCA.IV.2_EV", values.subarray(0, 5000), [2, 2500]);
  w.commit();
}

test("writes and reads float64 datasets with their shapes; the write leaves no temporary file", async () => {
  const file = path.join(dir, "a.hdf5");
  await writeSample(file);
  assert.deepEqual(fs.readdirSync(dir).filter((f) => f.startsWith("a.hdf5")), ["a.hdf5"]);
  const f = await Hdf5File.open(file);
  try {
    assert.deepEqual(f.keys(), ["NRCA.IV.1_EV", "NRCA.IV.2_EV"]);
    assert.deepEqual(f.info("NRCA.IV.1_EV"), { name: "NRCA.IV.1_EV", shape: [3, 2500], dtype: "<d" });
    assert.deepEqual(f.info("NRCA.IV.2_EV").shape, [2, 2500]);
    assert.deepEqual(f.readFloat64("NRCA.IV.1_EV"), values);
    assert.equal(f.has("NRCA.IV.1_EV"), true);
    assert.equal(f.has("nope"), false);
    assert.throws(() => f.readFloat64("nope"), (e: unknown) => e instanceof InputError && e.message.startsWith(`${file}: nope: reading the dataset failed:`));
  } finally {
    f.close();
  }
});

test("an aborted write leaves nothing behind", async () => {
  const file = path.join(dir, "aborted.hdf5");
  const w = await Hdf5Writer.create(file);
  w.addFloat64("x", values, [3, 2500]);
  w.abort();
  assert.deepEqual(fs.readdirSync(dir).filter((f) => f.startsWith("aborted")), []);
  const w2 = await Hdf5Writer.create(file);
  assert.throws(() => w2.addFloat64("x", values, [3, 2400]), /shape \[3, 2400\] holds 7200 values, data has 7500/);
  assert.deepEqual(fs.readdirSync(dir).filter((f) => f.startsWith("aborted")), []);
  assert.throws(() => w2.commit(), /the HDF5 writer is closed/);
});

test("a truncated HDF5 file is an InputError naming the file, before the library sees it", async () => {
  const file = path.join(dir, "b.hdf5");
  await writeSample(file);
  const bytes = fs.readFileSync(file);
  const truncated = path.join(dir, "truncated.hdf5");
  fs.writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
  await assert.rejects(Hdf5File.open(truncated), (e: unknown) => {
    assert.ok(e instanceof InputError);
    assert.match(e.message, new RegExp(`^${truncated.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: truncated HDF5 file: ${Math.floor(bytes.length / 2)} bytes on disk but the superblock says ${bytes.length}`));
    return true;
  });
  assert.throws(() => assertHdf5Complete(truncated), /truncated HDF5 file/);
});

test("a file that is not HDF5, a missing file and a damaged file give InputErrors, not library traces", async () => {
  const text = path.join(dir, "text.hdf5");
  fs.writeFileSync(text, "trace_name,source_id\n");
  await assert.rejects(Hdf5File.open(text), /text.hdf5: not an HDF5 file \(no HDF5 signature; 21 bytes\)/);
  await assert.rejects(Hdf5File.open(path.join(dir, "missing.hdf5")), /missing.hdf5: cannot open the file \(ENOENT\)/);
  // Damage the middle of a complete file: the signature and size checks pass, HDF5 itself fails.
  const file = path.join(dir, "c.hdf5");
  await writeSample(file);
  const bytes = fs.readFileSync(file);
  for (let i = 600; i < 1400; i++) bytes[i] = 0x5a;
  const damaged = path.join(dir, "damaged.hdf5");
  fs.writeFileSync(damaged, bytes);
  await assert.rejects(
    (async () => {
      const f = await Hdf5File.open(damaged);
      try {
        for (const k of f.keys()) f.readFloat64(k);
      } finally {
        f.close();
      }
    })(),
    (e: unknown) => e instanceof InputError && e.message.startsWith(`${damaged}:`) && / failed: /.test(e.message),
  );
});

/** A Python 3 with h5py, if this machine has one (Debian's python3-h5py lives under /usr/bin/python3). */
function pythonWithH5py(): string | null {
  for (const py of ["python3", "/usr/bin/python3"]) {
    const r = spawnSync(py, ["-c", "import h5py"], { encoding: "utf8" });
    if (r.status === 0) return py;
  }
  return null;
}

test("h5py reads the written file: standard HDF5", async (t) => {
  const py = pythonWithH5py();
  if (!py) {
    skipOutsideCi(t, "no python3 with h5py on this machine (apt install python3-h5py to run this check)");
    return;
  }
  const file = path.join(dir, "for-h5py.hdf5");
  await writeSample(file);
  const script = [
    "import h5py, json, sys",
    "f = h5py.File(sys.argv[1], 'r')",
    "d = f['NRCA.IV.1_EV']",
    "print(json.dumps({'keys': sorted(f.keys()), 'shape': list(d.shape), 'dtype': str(d.dtype), 'sum': float(d[()].sum()), 'x': float(d[2, 1234])}))",
  ].join("\n");
  const r = spawnSync(py, ["-c", script, file], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(out.keys, ["NRCA.IV.1_EV", "NRCA.IV.2_EV"]);
  assert.deepEqual(out.shape, [3, 2500]);
  assert.equal(out.dtype, "float64");
  assert.equal(out.x, values[2 * 2500 + 1234]);
  assert.ok(Math.abs(out.sum - values.reduce((a, b) => a + b, 0)) < 1e-6);
});
