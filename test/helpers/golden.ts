/**
 * Test helper (not a test file): the golden fixtures committed under test/golden/ (test/golden/README.md says
 * where each comes from) and the real recordings some tests read from outside the repository.
 *
 * A golden fixture is part of the repository, so a missing one fails the test that needs it. The real
 * recordings are not: tests that read them skip with a clear message when they are absent, except under CI
 * (`CI=true`, set by .ci/run), where the recordings are always there and their absence is a failure.
 */
import fs from "node:fs";
import path from "node:path";
import type { TestContext } from "node:test";

/** test/golden/ of this checkout. */
export const GOLDEN_DIR = path.resolve(__dirname, "..", "golden");

/** The repository root (test/helpers/../..). */
const ROOT = path.resolve(__dirname, "..", "..");

/** `test/golden/<rel>`, parsed; throws (failing the test) when the file is missing or not JSON. */
export function readGoldenJson<T = any>(rel: string): T {
  const file = path.join(GOLDEN_DIR, rel);
  if (!fs.existsSync(file)) {
    throw new Error(`golden fixture test/golden/${rel} is missing: it is part of the repository (see test/golden/README.md); restore it with git`);
  }
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as T;
  } catch (e) {
    throw new Error(`golden fixture test/golden/${rel} is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
}

/** True under CI (`CI=true`, as .ci/run sets it). */
export function isCi(): boolean {
  return process.env.CI === "true";
}

/**
 * The folder of real recordings for tests: `$SEISMIC_XAI_TEST_DATA`, else `data/` of the reference folder
 * beside the repository (../shared/data, holding phasenet/ and obspy_example.npz).
 */
export function realDataDir(): string {
  return process.env.SEISMIC_XAI_TEST_DATA ? path.resolve(process.env.SEISMIC_XAI_TEST_DATA) : path.resolve(ROOT, "..", "shared", "data");
}

/**
 * Skips the test `t` with `reason` outside CI; under CI, where nothing may be skipped, throws instead, so
 * the test fails with the reason. Returns nothing: the caller returns right after.
 */
export function skipOutsideCi(t: TestContext, reason: string): void {
  if (isCi()) throw new Error(`CI=true, so this test may not be skipped: ${reason}`);
  t.skip(reason);
}

/**
 * `realDataDir()` when it exists. Otherwise skips `t` (outside CI) or fails it (under CI) with a message
 * naming the folder and `what` the test would have checked, and returns null.
 */
export function requireRealData(t: TestContext, what: string): string | null {
  const dir = realDataDir();
  if (fs.existsSync(dir)) return dir;
  skipOutsideCi(t, `${dir} (real recordings, see test/golden/README.md) is absent: ${what} not checked`);
  return null;
}
