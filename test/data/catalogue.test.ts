import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../lib/core/rng";
import { generateNorciaCatalogue, sampleGutenbergRichter } from "../../lib/data/catalogue";
import { NORCIA_SEQUENCE, PERIOD_TIME_RANGES } from "../../lib/data/sequence";
import { azimuthDeg, epicentralDistanceKm, hypocentralDistanceKm } from "../../lib/data/geo";
import { DSET_STATIONS } from "../../lib/data/stations";

test("magnitudes follow Gutenberg-Richter with b = 1 on 0.5-4.5 (Aki's estimate)", () => {
  const rng = new Rng(3);
  const n = 20000;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const m = sampleGutenbergRichter(rng);
    sum += m;
    min = Math.min(min, m);
    max = Math.max(max, m);
  }
  // Aki (1965): b = log10(e) / (mean - Mmin), for continuous magnitudes and a range much wider than 1/b.
  const b = Math.LOG10E / (sum / n - 0.5);
  assert.ok(Math.abs(b - 1) < 0.05, `b = ${b.toFixed(3)}`);
  assert.ok(min >= 0.5 && max <= 4.5);
});

test("a period's catalogue: sorted times inside the period, Omori decay, a cluster around the mainshock", () => {
  const events = generateNorciaCatalogue({ seed: 1, period: "post", nEvents: 3000 });
  assert.equal(events.length, 3000);
  const start = Date.parse(PERIOD_TIME_RANGES.post.startUtc);
  const end = Date.parse(PERIOD_TIME_RANGES.post.endUtc);
  let previous = -Infinity;
  for (const e of events) {
    assert.ok(e.originTimeMs >= start && e.originTimeMs < end);
    assert.ok(e.originTimeMs >= previous);
    assert.equal(e.originTimeMs % 1000, 0);
    previous = e.originTimeMs;
    assert.ok(e.depthKm >= 2 && e.depthKm <= 12);
    assert.equal(Math.round(e.magnitude * 10) / 10, e.magnitude);
    assert.ok(e.stressDropBar > 0);
  }
  // Omori: the first tenth of the period holds far more events than the last tenth.
  const tenth = (end - start) / 10;
  const early = events.filter((e) => e.originTimeMs < start + tenth).length;
  const late = events.filter((e) => e.originTimeMs >= end - tenth).length;
  assert.ok(early > 5 * late, `first tenth ${early} events, last tenth ${late}`);
  const d = events
    .map((e) => epicentralDistanceKm(e.latitudeDeg, e.longitudeDeg, NORCIA_SEQUENCE.mainshock.latitudeDeg, NORCIA_SEQUENCE.mainshock.longitudeDeg))
    .sort((a, b) => a - b);
  assert.ok(d[d.length >> 1] > 3 && d[d.length >> 1] < 9, `median epicentral distance ${d[d.length >> 1].toFixed(1)} km`);
  // After the mainshock the median stress drop (18 bar) is below the pre-mainshock one (30 bar).
  const pre = generateNorciaCatalogue({ seed: 1, period: "pre", nEvents: 3000 });
  const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];
  assert.ok(median(events.map((e) => e.stressDropBar)) < 0.75 * median(pre.map((e) => e.stressDropBar)));
});

test("same seed, same catalogue; source ids unique across periods", () => {
  const a = generateNorciaCatalogue({ seed: 9, period: "pre", nEvents: 50 });
  assert.deepEqual(generateNorciaCatalogue({ seed: 9, period: "pre", nEvents: 50 }), a);
  assert.notDeepEqual(generateNorciaCatalogue({ seed: 10, period: "pre", nEvents: 50 }), a);
  const ids = [...a, ...generateNorciaCatalogue({ seed: 9, period: "visso", nEvents: 50 }), ...generateNorciaCatalogue({ seed: 9, period: "post", nEvents: 50 })].map((e) => e.sourceId);
  assert.equal(new Set(ids).size, 150);
  assert.throws(() => generateNorciaCatalogue({ seed: 1, period: "pre", nEvents: -1 }), /nEvents must be a non-negative integer/);
});

test("geometry: NRCA sits 0.6 km from the mainshock epicentre; azimuths and hypocentral distance", () => {
  const nrca = DSET_STATIONS[0];
  const m = NORCIA_SEQUENCE.mainshock;
  const epi = epicentralDistanceKm(m.latitudeDeg, m.longitudeDeg, nrca.latitudeDeg, nrca.longitudeDeg);
  assert.ok(Math.abs(epi - 0.62) < 0.02, `${epi} km`);
  // 6.104 km deep, station 0.927 km up: the vertical leg is 7.031 km
  assert.ok(Math.abs(hypocentralDistanceKm(m.latitudeDeg, m.longitudeDeg, m.depthKm, nrca.latitudeDeg, nrca.longitudeDeg, nrca.elevationM) - Math.hypot(epi, 7.031)) < 1e-9);
  assert.ok(Math.abs(azimuthDeg(42, 13, 43, 13) - 0) < 1e-9);
  assert.ok(Math.abs(azimuthDeg(42, 13, 42, 13.1) - 90) < 0.1);
  assert.ok(Math.abs(epicentralDistanceKm(0, 0, 1, 0) - 111.195) < 0.01);
});
