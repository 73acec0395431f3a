/**
 * Signal-layer timings on one core: spectrogram per channel (target: faster than scipy's 146 us per
 * channel), 3-channel spectrogram image, PNG encoding, 69 waveform features per trace. Prints figures
 * and ratios; never fails on speed.
 */
import os from "node:os";
import { performance } from "node:perf_hooks";
import { Rng } from "../lib/core/rng";
import { spectrogram } from "../lib/spectrogram/spectrogram";
import { channelSpectrograms } from "../lib/spectrogram/channel-spectrograms";
import { SPECTROGRAM_IMAGE_HEIGHT, SPECTROGRAM_IMAGE_SIZE, SPECTROGRAM_IMAGE_WIDTH, spectrogramImage } from "../lib/spectrogram/spectrogram-image";
import { encodePng, decodePng } from "../lib/core/png";
import { waveformFeatures } from "../lib/features/waveform-features";

const SCIPY_SPECTROGRAM_US_PER_CHANNEL = 146;

interface Timing {
  /** CPU time of this process per call, us (user + system): robust to other processes sharing the cores. */
  cpuUs: number;
  /** Wall-clock time per call, us. */
  wallUs: number;
}

/** Median over `rounds` of the mean CPU and wall time per call of `iterations` calls, after a warm-up. */
function timeUs(fn: () => void, iterations: number, rounds = 7): Timing {
  for (let i = 0; i < iterations; i++) fn();
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < iterations; i++) fn();
    wall.push(((performance.now() - t0) * 1000) / iterations);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / iterations);
  }
  const median = (a: number[]) => a.sort((x, y) => x - y)[Math.floor(a.length / 2)];
  return { cpuUs: median(cpu), wallUs: median(wall) };
}

const rng = new Rng("bench-spectrogram");
const nTraces = 16;
const traces = Array.from({ length: nTraces }, () => Float64Array.from({ length: 3 * 2500 }, () => rng.normal(0, 100)));
let k = 0;
const next = () => traces[k++ % nTraces];

const out = new Float64Array(SPECTROGRAM_IMAGE_HEIGHT * SPECTROGRAM_IMAGE_WIDTH);
const perChannel = timeUs(() => spectrogram(next().subarray(0, 2500), { output: out }), 2000);
const perChannelAlloc = timeUs(() => spectrogram(next().subarray(0, 2500)), 2000);
const stack = new Float64Array(SPECTROGRAM_IMAGE_SIZE);
const perStack = timeUs(() => channelSpectrograms(next(), { output: stack }), 1000);
const imageOut = new Uint8Array(SPECTROGRAM_IMAGE_SIZE);
const perImage = timeUs(() => spectrogramImage(next(), { output: imageOut }), 1000);
const image = spectrogramImage(traces[0]).data;
const raster = { width: SPECTROGRAM_IMAGE_WIDTH, height: SPECTROGRAM_IMAGE_HEIGHT, colorType: "rgb" as const, pixels: image };
const perPng = timeUs(() => encodePng(raster), 500);
const png = encodePng(raster);
const perDecode = timeUs(() => decodePng(png), 500);
const features = new Float64Array(69);
const perFeatures = timeUs(() => waveformFeatures(next(), 3, 2500, features), 200);

const row = (label: string, t: Timing, note = "") =>
  console.log(`${label.padEnd(44)} ${t.cpuUs.toFixed(1).padStart(8)} us cpu ${t.wallUs.toFixed(1).padStart(8)} us wall${note}`);
const ratio = (t: Timing) => `${(SCIPY_SPECTROGRAM_US_PER_CHANNEL / t.cpuUs).toFixed(2)}x scipy's speed`;
console.log(`node ${process.version}, one thread, load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores; synthetic 3 x 2500 traces (seeded)`);
console.log("(cpu = this process's CPU time per call; wall time grows when other processes compete for the cores)");
row("spectrogram, 1 channel (output buffer)", perChannel, `   ${ratio(perChannel)}`);
row("spectrogram, 1 channel (allocating)", perChannelAlloc, `   ${ratio(perChannelAlloc)}`);
row("channelSpectrograms, 3 channels (FTC)", perStack, `   ${(perStack.cpuUs / 3).toFixed(1)} us cpu per channel`);
row("spectrogramImage, 3 channels (33 x 153 x 3)", perImage);
row("encodePng, 33 x 153 RGB", perPng, `   (${png.length} bytes)`);
row("decodePng, 33 x 153 RGB", perDecode);
row("waveformFeatures, 3 channels (69 values)", perFeatures);
const met = perChannel.cpuUs < SCIPY_SPECTROGRAM_US_PER_CHANNEL;
console.log(
  `target: spectrogram < ${SCIPY_SPECTROGRAM_US_PER_CHANNEL} us per channel on one core: ${met ? "met" : "NOT met"} ` +
    `(${perChannel.cpuUs.toFixed(1)} us cpu, ratio to target ${(perChannel.cpuUs / SCIPY_SPECTROGRAM_US_PER_CHANNEL).toFixed(2)})`,
);
