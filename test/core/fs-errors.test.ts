import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { writeFileAtomic } from "../../lib/core/atomic";
import { InputError } from "../../lib/core/errors";
import { assertWritableDir, FileSystemError } from "../../lib/core/fs-errors";

test("assertWritableDir creates the folder and leaves nothing behind", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "fs-errors-"));
  try {
    const dir = path.join(root, "a", "b");
    assert.equal(assertWritableDir(dir, "the test cache"), dir);
    assert.deepEqual(fs.readdirSync(dir), []);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test("a file in the way, a read-only folder: our error naming the folder, not a temporary file", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "fs-errors-"));
  try {
    const file = path.join(root, "plain-file");
    fs.writeFileSync(file, "x");
    assert.throws(() => assertWritableDir(file, "the image cache"), (e: Error) => e instanceof InputError && e.message.startsWith(file) && /is a file, not a folder/.test(e.message));
    const below = path.join(file, "cache");
    assert.throws(
      () => assertWritableDir(below, "the image cache"),
      (e: Error) => e instanceof FileSystemError && e.message.startsWith(below) && /ENOTDIR/.test(e.message) && /the image cache/.test(e.message),
    );
    assert.throws(
      () => writeFileAtomic(path.join(below, "x.json"), "{}"),
      (e: Error) => e instanceof FileSystemError && e.message.startsWith(path.join(below, "x.json")) && !/\.tmp/.test(e.message),
    );
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
