import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { readCacheEntry, removeCacheEntry, writeCacheEntry } from "../../lib/core/cache-entry";

function files(dir: string): string[] {
  return fs.readdirSync(dir).sort();
}

test("an entry reads back whole; another key is stale; altered or missing files are damaged; the old files go after a commit", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cache-entry-"));
  try {
    assert.deepEqual(readCacheEntry(dir, "t", "kind-a", "k1"), { status: "absent" });
    writeCacheEntry(dir, "t", { kind: "kind-a", key: "k1", meta: { n: 2 }, files: [{ role: "data", ext: ".bin", data: new Uint8Array([1, 2, 3]) }, { role: "rows", ext: ".json", data: "[1,2]" }] });
    const first = files(dir);
    assert.equal(first.length, 3);
    const ok = readCacheEntry<{ n: number }>(dir, "t", "kind-a", "k1");
    assert.equal(ok.status, "ok");
    if (ok.status !== "ok") return;
    assert.deepEqual([...ok.files.get("data")!], [1, 2, 3]);
    assert.equal(ok.files.get("rows")!.toString(), "[1,2]");
    assert.equal(ok.manifest.meta.n, 2);
    assert.equal(readCacheEntry(dir, "t", "kind-a", "k2").status, "stale");
    assert.equal(readCacheEntry(dir, "t", "kind-b", "k1").status, "stale");

    // A new entry replaces the old one's files; the manifest names only the new ones.
    writeCacheEntry(dir, "t", { kind: "kind-a", key: "k2", meta: { n: 3 }, files: [{ role: "data", ext: ".bin", data: new Uint8Array([4]) }, { role: "rows", ext: ".json", data: "[3]" }] });
    assert.equal(files(dir).filter((f) => first.includes(f) && f !== "t.json").length, 0);
    const data = files(dir).find((f) => f.startsWith("t.data."))!;
    fs.writeFileSync(path.join(dir, data), new Uint8Array([5]));
    const damaged = readCacheEntry(dir, "t", "kind-a", "k2");
    assert.equal(damaged.status, "damaged");
    assert.match((damaged as { reason: string }).reason, /does not hold the bytes its manifest names/);
    fs.rmSync(path.join(dir, data));
    assert.match((readCacheEntry(dir, "t", "kind-a", "k2") as { reason: string }).reason, /cannot be read \(ENOENT\)/);
    fs.writeFileSync(path.join(dir, "t.json"), "{ trunc");
    assert.equal(readCacheEntry(dir, "t", "kind-a", "k2").status, "damaged");
    removeCacheEntry(dir, "t");
    assert.deepEqual(files(dir), []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("a writer stopped between its files leaves the previous entry readable and whole", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cache-entry-"));
  try {
    writeCacheEntry(dir, "t", { kind: "k", key: "old", meta: null, files: [{ role: "data", ext: ".bin", data: "old data" }, { role: "rows", ext: ".json", data: "old rows" }] });
    // The first file of a new entry is written, then the writer dies (a leftover temporary file too).
    fs.writeFileSync(path.join(dir, "t.data.0123456789abcdef.bin"), "new data");
    fs.writeFileSync(path.join(dir, "t.rows.0123456789abcdef.json.999.abc.tmp"), "new ro");
    const read = readCacheEntry(dir, "t", "k", "old");
    assert.equal(read.status, "ok");
    if (read.status === "ok") assert.equal(read.files.get("data")!.toString(), "old data");
    assert.equal(readCacheEntry(dir, "t", "k", "new").status, "stale");
    // The next commit removes the orphans.
    writeCacheEntry(dir, "t", { kind: "k", key: "new", meta: null, files: [{ role: "data", ext: ".bin", data: "new data" }, { role: "rows", ext: ".json", data: "new rows" }] });
    assert.equal(files(dir).length, 3);
    assert.ok(!files(dir).some((f) => f.endsWith(".tmp")));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
