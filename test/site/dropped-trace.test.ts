import assert from "node:assert/strict";
import zlib from "node:zlib";
import { test } from "node:test";
import { spectrogramImage } from "../../lib/spectrogram/spectrogram-image";
import { readDroppedTrace } from "../../site/src/dropped-trace";
import { npyBytes } from "./npy-bytes";

/** A zip (.npz) of the given members, each stored (method 0) or deflated (8), as numpy.savez(_compressed) writes. */
function zip(members: { name: string; data: Uint8Array; deflate: boolean }[]): Uint8Array {
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const m of members) {
    const body = m.deflate ? new Uint8Array(zlib.deflateRawSync(m.data)) : m.data;
    const name = new TextEncoder().encode(m.name);
    const local = new Uint8Array(30 + name.length + body.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(8, m.deflate ? 8 : 0, true);
    lv.setUint32(18, body.length, true);
    lv.setUint32(22, m.data.length, true);
    lv.setUint16(26, name.length, true);
    local.set(name, 30);
    local.set(body, 30 + name.length);
    const central = new Uint8Array(46 + name.length);
    const cv = new DataView(central.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(10, m.deflate ? 8 : 0, true);
    cv.setUint32(20, body.length, true);
    cv.setUint32(24, m.data.length, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(42, offset, true);
    central.set(name, 46);
    locals.push(local);
    centrals.push(central);
    offset += local.length;
  }
  const dirSize = centrals.reduce((n, c) => n + c.length, 0);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, members.length, true);
  ev.setUint16(10, members.length, true);
  ev.setUint32(12, dirSize, true);
  ev.setUint32(16, offset, true);
  return new Uint8Array(Buffer.concat([...locals, ...centrals, end]));
}

function trace(): Float64Array {
  return new Float64Array(7500).map((_, i) => Math.sin(i * 0.37) * (i % 2500 >= 500 ? 30 : 1) + Math.cos(i * 0.011) + (i % 7));
}

test("a 3 x 2500 .npy becomes the library's spectrogram image of it", async () => {
  const w = trace();
  const t = await readDroppedTrace(npyBytes(w, [3, 2500]), "mine.npy");
  assert.deepEqual(Array.from(t.waveform), Array.from(w));
  assert.deepEqual(t.image.data, spectrogramImage(w, { nChannels: 3, nSamples: 2500 }).data);
});

test("float32 and int16 samples are read; an .npz with one array, stored or deflated, too", async () => {
  const w = trace();
  const f32 = await readDroppedTrace(npyBytes(Float32Array.from(w), [3, 2500]), "a.npy");
  assert.equal(f32.waveform[1], Math.fround(w[1]));
  const i16 = await readDroppedTrace(npyBytes(Int16Array.from(w, Math.round), [3, 2500]), "b.npy");
  assert.equal(i16.waveform[2600], Math.round(w[2600]));
  for (const deflate of [false, true]) {
    const z = await readDroppedTrace(zip([{ name: "arr_0.npy", data: npyBytes(w, [3, 2500]), deflate }]), "c.npz");
    assert.deepEqual(z.image.data, spectrogramImage(w, { nChannels: 3, nSamples: 2500 }).data);
  }
  const named = zip([
    { name: "station.npy", data: npyBytes(new Float64Array(1), [1]), deflate: false },
    { name: "waveform.npy", data: npyBytes(w, [3, 2500]), deflate: true },
  ]);
  assert.equal((await readDroppedTrace(named, "d.npz")).waveform[7], w[7]);
});

test("wrong shape, NaN, strings, other files and ambiguous .npz get messages naming the file", async () => {
  await assert.rejects(readDroppedTrace(npyBytes(new Float64Array(7500), [2500, 3]), "t.npy"), /^Error: t\.npy: shape \(2500, 3\) is wrong \(transpose it: channels first\); expected a 3 x 2500 array/);
  await assert.rejects(readDroppedTrace(npyBytes(new Float64Array(3000), [3, 1000]), "s.npy"), /s\.npy: shape \(3, 1000\) is wrong; expected/);
  const nan = trace();
  nan[5000 + 42] = NaN;
  await assert.rejects(readDroppedTrace(npyBytes(nan, [3, 2500]), "n.npy"), /n\.npy: sample 42 of channel Z is NaN/);
  const strings = new TextEncoder().encode("abc");
  const header = "{'descr': '|S1', 'fortran_order': False, 'shape': (3,), }";
  const padded = header + " ".repeat(64 - ((10 + header.length + 1) % 64)) + "\n";
  const sBytes = new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, padded.length, 0, ...new TextEncoder().encode(padded), ...strings]);
  await assert.rejects(readDroppedTrace(sBytes, "str.npy"), /str\.npy: dtype \|S1 is not a real number type/);
  await assert.rejects(readDroppedTrace(new Uint8Array([1, 2, 3]), "x.csv"), /x\.csv: not a \.npy or \.npz file/);
  await assert.rejects(readDroppedTrace(new Uint8Array([1, 2, 3]), "x.npy"), /x\.npy.*not a \.npy file/);
  const two = zip([
    { name: "a.npy", data: npyBytes(trace(), [3, 2500]), deflate: false },
    { name: "b.npy", data: npyBytes(trace(), [3, 2500]), deflate: false },
  ]);
  await assert.rejects(readDroppedTrace(two, "two.npz"), /two\.npz: holds 2 arrays \(a, b\); give one array, or name it "waveform"/);
  await assert.rejects(readDroppedTrace(new Uint8Array(40), "bad.npz"), /bad\.npz: not a valid \.npz/);
});
