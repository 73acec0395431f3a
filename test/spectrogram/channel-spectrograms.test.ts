import { test } from "node:test";
import assert from "node:assert/strict";
import { channelSpectrograms } from "../../lib/spectrogram/channel-spectrograms";
import { spectrogram } from "../../lib/spectrogram/spectrogram";
import { Trace } from "../../lib/waveform/trace";
import { Rng } from "../../lib/core/rng";

function trace(data: Float64Array, nChannels: number, samplingRateHz = 100): Trace {
  return {
    data,
    dimensionOrder: "CW",
    stats: {
      traceName: "TEST.IV.1_EV",
      station: "TEST",
      samplingRateHz,
      nChannels,
      nSamples: data.length / nChannels,
      channels: ["E", "N", "Z"].slice(0, nChannels),
      processing: [],
    },
  };
}

const rng = new Rng("channels");
const data = Float64Array.from({ length: 3 * 2500 }, () => rng.normal(0, 50));

test("FTC stack equals the per-channel spectrograms, channel fastest", () => {
  const stack = channelSpectrograms(data);
  assert.deepEqual(stack.shape, [33, 153, 3]);
  assert.equal(stack.dimensionOrder, "FTC");
  for (let c = 0; c < 3; c++) {
    const s = spectrogram(data.subarray(c * 2500, (c + 1) * 2500));
    for (let f = 0; f < 33; f++) {
      for (let t = 0; t < 153; t++) assert.equal(stack.values[(f * 153 + t) * 3 + c], s.values[f * 153 + t]);
    }
    assert.deepEqual(stack.freqsHz, s.freqsHz);
    assert.deepEqual(stack.timesS, s.timesS);
  }
});

test("a Trace supplies its layout and sampling rate", () => {
  const fromTrace = channelSpectrograms(trace(data, 3, 50));
  const fromArray = channelSpectrograms(data, { fsHz: 50 });
  assert.deepEqual(fromTrace.values, fromArray.values);
  assert.equal(fromTrace.freqsHz[32], 25);
  const two = channelSpectrograms(data.subarray(0, 5000), { nChannels: 2, nperseg: 128, noverlap: 64 });
  assert.deepEqual(two.shape, [65, 38, 2]);
});

test("layout mismatches and bad samples name the trace", () => {
  assert.throws(() => channelSpectrograms(data, { nChannels: 3, nSamples: 2000 }), /channelSpectrograms: data of 7500 samples is not 3 channels x 2000 samples/);
  assert.throws(() => channelSpectrograms(data.subarray(0, 7499), { name: "odd" }), /channelSpectrograms: odd: data of 7499 samples is not 3 channels/);
  const bad = trace(data.slice(), 3);
  bad.data[2500 + 9] = Infinity;
  assert.throws(() => channelSpectrograms(bad), /channelSpectrograms: trace TEST\.IV\.1_EV: non-finite sample Infinity in channel 1 at index 9/);
  const lying = { ...trace(data, 3), stats: { ...trace(data, 3).stats, nSamples: 2000 } };
  assert.throws(() => channelSpectrograms(lying), /data has 7500 samples, stats say 3 x 2000/);
});
