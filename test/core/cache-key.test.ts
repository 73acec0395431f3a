import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { cacheKey, fileDigest } from "../../lib/core/cache-key";

test("cacheKey: key order does not matter; types, NaN, null, -0 and typed-array bytes do", () => {
  assert.equal(cacheKey({ a: 1, b: [2, "x"] }), cacheKey({ b: [2, "x"], a: 1 }));
  assert.equal(cacheKey({ a: 1, b: undefined }), cacheKey({ a: 1 }));
  const distinct = [NaN, null, 0, -0, "0", "NaN", Infinity, [], {}, [null], new Float64Array([NaN]), new Float64Array([0]), new Float32Array([0]), ["a", "b"], ["ab"]];
  assert.equal(new Set(distinct.map((v) => cacheKey(v))).size, distinct.length);
  assert.equal(cacheKey(new Float64Array([1, NaN])), cacheKey(new Float64Array([1, NaN])));
  assert.match(cacheKey("x"), /^[0-9a-f]{64}$/);
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  assert.throws(() => cacheKey(cyclic), /refers back to itself/);
});

test("fileDigest: content and quick digests change with the bytes; the quick one sees both ends and the size", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cache-key-"));
  try {
    const file = path.join(dir, "a.bin");
    const big = Buffer.alloc(300 * 1024, 7);
    fs.writeFileSync(file, big);
    const mtime = new Date(Math.floor(Date.now() / 1000) * 1000);
    fs.utimesSync(file, mtime, mtime);
    const content = fileDigest(file, "content");
    const quick = fileDigest(file, "quick");
    assert.notEqual(content, quick);
    assert.equal(fileDigest(file, "content"), content);
    for (const at of [0, big.length - 1]) {
      const changed = Buffer.from(big);
      changed[at] = 8;
      fs.writeFileSync(file, changed);
      fs.utimesSync(file, mtime, mtime);
      assert.notEqual(fileDigest(file, "quick"), quick, `byte ${at}`);
      assert.notEqual(fileDigest(file, "content"), content, `byte ${at}`);
    }
    // Same bytes and same modification time again: the same digests.
    fs.writeFileSync(file, big);
    fs.utimesSync(file, mtime, mtime);
    assert.equal(fileDigest(file, "quick"), quick);
    assert.equal(fileDigest(file, "content"), content);
    assert.throws(() => fileDigest(path.join(dir, "none"), "quick"), (e: Error) => e.message.includes(path.join(dir, "none")) && /ENOENT/.test(e.message));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
