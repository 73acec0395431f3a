/**
 * One definition each: the PNG API (lib/core/png.ts), the splits (lib/data/split.ts) and the geometry of the
 * paper's 33 x 153 x 3 image (lib/spectrogram/spectrogram-image.ts). A second copy would drift.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { CNN_IMAGE_SIZE, CNN_INPUT_CHANNELS, CNN_INPUT_HEIGHT, CNN_INPUT_WIDTH } from "../lib/cnn/architecture";
import {
  SPECTROGRAM_IMAGE_CHANNELS,
  SPECTROGRAM_IMAGE_FREQS_HZ,
  SPECTROGRAM_IMAGE_HEIGHT,
  SPECTROGRAM_IMAGE_SHAPE,
  SPECTROGRAM_IMAGE_SIZE,
  SPECTROGRAM_IMAGE_TIMES_S,
  SPECTROGRAM_IMAGE_WIDTH,
} from "../lib/spectrogram/spectrogram-image";

const LIB = path.resolve(__dirname, "..", "lib");

/** Every .ts file under lib/ with its code lines (comment lines dropped), as repository-relative paths. */
function libCode(): { rel: string; code: string }[] {
  const out: { rel: string; code: string }[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".ts")) {
        const code = fs.readFileSync(p, "utf8").split("\n").filter((l) => !/^\s*(\*|\/\/|\/\*)/.test(l)).join("\n");
        out.push({ rel: path.relative(path.dirname(LIB), p).split(path.sep).join("/"), code });
      }
    }
  };
  walk(LIB);
  return out;
}

/** The files under lib/ whose code matches `re`. */
const filesMatching = (re: RegExp) => libCode().filter((f) => re.test(f.code)).map((f) => f.rel).sort();

test("the image geometry: 33 x 153 x 3 = 15147 values, defined in lib/spectrogram/spectrogram-image.ts, which the CNN takes", () => {
  assert.deepEqual([SPECTROGRAM_IMAGE_HEIGHT, SPECTROGRAM_IMAGE_WIDTH, SPECTROGRAM_IMAGE_CHANNELS, SPECTROGRAM_IMAGE_SIZE], [33, 153, 3, 15147]);
  assert.deepEqual(SPECTROGRAM_IMAGE_SHAPE, [33, 153, 3]);
  assert.equal(SPECTROGRAM_IMAGE_FREQS_HZ.length, SPECTROGRAM_IMAGE_HEIGHT);
  assert.equal(SPECTROGRAM_IMAGE_TIMES_S.length, SPECTROGRAM_IMAGE_WIDTH);
  assert.deepEqual([CNN_INPUT_HEIGHT, CNN_INPUT_WIDTH, CNN_INPUT_CHANNELS, CNN_IMAGE_SIZE], [33, 153, 3, 15147]);
  // No other file writes the sizes down as numbers.
  assert.deepEqual(filesMatching(/\b(33\s*[*,x]\s*153|153\s*[*,x]\s*33|15147|5049)\b/), []);
  assert.deepEqual(filesMatching(/\b(HEIGHT|WIDTH|CHANNELS)\w*\s*(:\s*\w+\s*)?=\s*(33|153|3)\s*;/), []);
});

test("one PNG API: encodePng, decodePng and pngDataUri are defined in lib/core/png.ts only", () => {
  for (const name of ["encodePng", "decodePng", "pngDataUri"]) {
    assert.deepEqual(filesMatching(new RegExp(`(function|const|let) ${name}\\b`)), ["lib/core/png.ts"], name);
  }
});

test("one split module: every split function is defined in lib/data/split.ts", () => {
  for (const name of ["randomSplit", "groupedSplit", "trainTestSplit", "groupedTrainTestSplit", "splitSizes"]) {
    assert.deepEqual(filesMatching(new RegExp(`export function ${name}\\b`)), ["lib/data/split.ts"], name);
  }
});
