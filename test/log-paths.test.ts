/**
 * Log lines of lib/ print folders and files through lib/core/display-path.ts (relative to the project root or
 * under $SEISMIC_XAI_DATA / $SEISMIC_XAI_DSET), never the machine's absolute paths: a script's terminal
 * (`npm run site`, `npm run reproduce`) shows them as they are, without the notebook's console redaction.
 * Reads every `log(`...`)` / `console.*(`...`)` call under lib/ and checks each interpolated value that names
 * a path; then one real message (the forest cache's) end to end.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Rng } from "../lib/core/rng";
import { trainForestCached } from "../lib/pipeline/forest-cache";

const LIB = path.resolve(__dirname, "..", "lib");

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "assembly" ? [] : tsFiles(p);
    return e.name.endsWith(".ts") ? [p] : [];
  });
}

/** The `${...}` expressions of the template literal starting at `start` (the backtick). */
function interpolations(source: string, start: number): string[] {
  const out: string[] = [];
  for (let i = start + 1; i < source.length && source[i] !== "`"; i++) {
    if (source[i] === "\\") {
      i++;
      continue;
    }
    if (source[i] !== "$" || source[i + 1] !== "{") continue;
    let depth = 1;
    let j = i + 2;
    for (; j < source.length && depth > 0; j++) {
      if (source[j] === "{") depth++;
      else if (source[j] === "}") depth--;
      else if (source[j] === "`") {
        // a nested template: skip to its end
        j = source.indexOf("`", j + 1);
      }
    }
    out.push(source.slice(i + 2, j - 1).trim());
    i = j - 1;
  }
  return out;
}

/** An expression that evaluates to a path: a folder or file variable, or path.join / path.dirname of one. */
const PATH_LIKE = /^(?:[\w.]*\.)?(?:\w*(?:Dir|File|Path)|dir|file|filePath|root)$|^path\.(?:join|dirname|resolve)\(/;
/** The calls that print a line: a `log` option, the console. */
const LOG_CALL = /\b(?:log|run\.log|console\.(?:log|info|warn|error))\s*\(\s*`/g;

test("lib/ log lines show paths through displayPath, never as absolute paths", () => {
  const offending: string[] = [];
  let checked = 0;
  for (const file of tsFiles(LIB)) {
    const source = fs.readFileSync(file, "utf8");
    for (const m of source.matchAll(LOG_CALL)) {
      const start = m.index! + m[0].length - 1;
      for (const expr of interpolations(source, start)) {
        if (!PATH_LIKE.test(expr)) continue;
        checked++;
        const line = source.slice(0, start).split("\n").length;
        offending.push(`${path.relative(LIB, file)}:${line}: \${${expr}}`);
      }
      for (const expr of interpolations(source, start)) if (/^displayPath\(/.test(expr)) checked++;
    }
  }
  assert.ok(checked >= 10, `only ${checked} path interpolations found in log lines: is the scan still reading them?`);
  assert.deepEqual(offending, [], "wrap these in displayPath(...) (lib/core/display-path.ts)");
});

test("the scan sees an unwrapped path, and accepts a wrapped one", () => {
  const bad = "if (log) log(`image cache in ${cacheDir}: resuming, ${done} images`);";
  const good = "if (log) log(`image cache in ${displayPath(cacheDir)}: resuming, ${`${done}`} images`);";
  assert.deepEqual(interpolations(bad, bad.indexOf("`")), ["cacheDir", "done"]);
  assert.ok(PATH_LIKE.test("cacheDir") && PATH_LIKE.test("options.checkpointDir") && PATH_LIKE.test("path.dirname(abs)"));
  assert.deepEqual(interpolations(good, good.indexOf("`")), ["displayPath(cacheDir)", "`${done}`"]);
  assert.ok(!PATH_LIKE.test("displayPath(cacheDir)") && !PATH_LIKE.test("done") && !PATH_LIKE.test("name"));
});

test("a forest cache message names its file under $SEISMIC_XAI_DATA, not by its absolute path", async () => {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), "log-paths-"));
  const before = process.env.SEISMIC_XAI_DATA;
  process.env.SEISMIC_XAI_DATA = data;
  try {
    const rng = new Rng(5);
    const X = Float64Array.from({ length: 40 * 2 }, () => rng.normal());
    const y = Float64Array.from({ length: 40 }, (_, i) => X[2 * i] - X[2 * i + 1]);
    const request = { forestOptions: { nEstimators: 2, seed: 1 }, X, nRows: 40, nFeatures: 2, y, cacheDir: path.join(data, "cache", "forests"), log: false as const };
    const a = await trainForestCached(request);
    fs.writeFileSync(a.file!, "{ truncated");
    const lines: string[] = [];
    await trainForestCached({ ...request, log: (l: string) => lines.push(l) });
    assert.equal(lines.length, 1);
    assert.match(lines[0], /^forest cache \$SEISMIC_XAI_DATA\/cache\/forests\/forest-[0-9a-f]{16}\.json: /);
    assert.ok(!lines[0].includes(data), lines[0]);
  } finally {
    if (before === undefined) delete process.env.SEISMIC_XAI_DATA;
    else process.env.SEISMIC_XAI_DATA = before;
    fs.rmSync(data, { recursive: true, force: true });
  }
});
