import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { formatResultJson, writeResultJson } from "../../lib/pipeline/results";

test("typed arrays become arrays, non-finite numbers null, short rows one line; the text is valid JSON", () => {
  const value = { a: new Float64Array([1.5, NaN, Infinity]), b: [{ x: 1, y: "s" }, { x: 2, y: null }], c: new Int32Array(0), d: undefined, e: {} };
  const text = formatResultJson(value);
  assert.deepEqual(JSON.parse(text), { a: [1.5, null, null], b: [{ x: 1, y: "s" }, { x: 2, y: null }], c: [], e: {} });
  assert.equal(text, '{\n  "a": [1.5, null, null],\n  "b": [\n    { "x": 1, "y": "s" },\n    { "x": 2, "y": null }\n  ],\n  "c": [],\n  "e": {}\n}');
  const long = { name: "x".repeat(200), n: 1 };
  assert.equal(formatResultJson(long), `{\n  "name": "${"x".repeat(200)}",\n  "n": 1\n}`);
});

test("writes into the folder, atomically, and refuses paths, cycles and bigints", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "results-"));
  try {
    const file = writeResultJson(path.join(dir, "new"), "r.json", { v: new Float32Array([0.5]) });
    assert.equal(file, path.join(dir, "new", "r.json"));
    assert.deepEqual(JSON.parse(fs.readFileSync(file, "utf8")), { v: [0.5] });
    assert.deepEqual(fs.readdirSync(path.join(dir, "new")), ["r.json"]);
    assert.throws(() => writeResultJson(dir, "../r.json", {}), /fileName must be a plain \*\.json file name/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.throws(() => writeResultJson(dir, "c.json", cyclic), /value\.self refers back to itself/);
    assert.throws(() => writeResultJson(dir, "b.json", { n: 1n }), /value\.n is a bigint/);
    assert.deepEqual(fs.readdirSync(dir).sort(), ["new"]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
