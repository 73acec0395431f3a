import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { acquireLock, LockBusyError, lockFileOf, lockHolder, withLock } from "../../lib/core/cache-lock";
import { startChild } from "../helpers/child";

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "cache-lock-"));
}

function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", ""]);
  assert.equal(r.status, 0);
  return r.pid!;
}

function fakeLock(file: string, fields: Record<string, unknown>): void {
  const owner = { pid: deadPid(), host: os.hostname(), processStart: null, since: "2026-01-01T00:00:00.000Z", purpose: "a test", command: "node x", token: "t-1", ...fields };
  fs.writeFileSync(file, JSON.stringify(owner));
}

test("one holder at a time: a second caller stops at once naming the holder, or waits with a message until it is released", async () => {
  const dir = tmp();
  try {
    const file = lockFileOf(dir);
    const a = await acquireLock(file, { purpose: "the test cache", log: false });
    assert.equal(JSON.parse(fs.readFileSync(file, "utf8")).pid, process.pid);
    assert.equal(lockHolder(file)?.pid, process.pid);
    await assert.rejects(
      acquireLock(file, { purpose: "the test cache", waitMs: 0, log: false }),
      (e: unknown) => e instanceof LockBusyError && e.owner.pid === process.pid && e.message.startsWith(dir) && new RegExp(`the test cache here is being written by process ${process.pid}`).test(e.message),
    );
    const lines: string[] = [];
    const waiting = acquireLock(file, { purpose: "the test cache", log: (l) => lines.push(l), pollMs: 10 });
    assert.equal(lines.length, 1);
    assert.match(lines[0], new RegExp(`process ${process.pid} .* is writing the test cache in .*: waiting for it to finish`));
    a.release();
    const b = await waiting;
    assert.equal(JSON.parse(fs.readFileSync(file, "utf8")).token, b.owner.token);
    a.release(); // releasing twice, or a lock that is no longer ours, leaves the holder's file alone
    assert.ok(fs.existsSync(file));
    b.release();
    assert.ok(!fs.existsSync(file));
    assert.equal(lockHolder(file), null);
    // withLock releases when its function throws.
    await assert.rejects(withLock(file, { purpose: "x", log: false }, async () => {
      throw new Error("boom");
    }), /boom/);
    assert.ok(!fs.existsSync(file));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("a waiting caller gives up after waitMs with an error naming the holder", async () => {
  const dir = tmp();
  try {
    const file = lockFileOf(dir);
    const a = await acquireLock(file, { purpose: "p", log: false });
    await assert.rejects(acquireLock(file, { purpose: "p", waitMs: 30, pollMs: 5, log: false }), /being written by process \d+ .*after waiting 0\.0 s/);
    a.release();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("stale locks are broken and the log says so: a dead pid, our own pid from an earlier process, a reused pid, an unreadable old file", async () => {
  const dir = tmp();
  try {
    const file = lockFileOf(dir);
    const cases: [string, () => void][] = [
      ["dead pid", () => fakeLock(file, {})],
      ["own pid, not held", () => fakeLock(file, { pid: process.pid })],
      ...(fs.existsSync(`/proc/${process.ppid}/stat`) ? [["reused pid", () => fakeLock(file, { pid: process.ppid, processStart: "1" })] as [string, () => void]] : []),
      [
        "unreadable",
        () => {
          fs.writeFileSync(file, "garbage");
          const old = new Date(Date.now() - 60_000);
          fs.utimesSync(file, old, old);
        },
      ],
    ];
    for (const [name, make] of cases) {
      make();
      const lines: string[] = [];
      const lock = await acquireLock(file, { purpose: "p", log: (l) => lines.push(l), waitMs: 0 });
      assert.equal(lines.length, 1, name);
      assert.match(lines[0], /removed the (stale lock of process \d+ .* which is no longer running|unreadable lock file)/, name);
      lock.release();
    }
    // A lock from another host cannot be checked: it counts as held, and the message says which file to delete.
    fakeLock(file, { host: "elsewhere.example" });
    await assert.rejects(acquireLock(file, { purpose: "p", waitMs: 0, log: false }), (e: Error) => /on host elsewhere\.example/.test(e.message) && e.message.includes(`delete ${file}`));
    assert.deepEqual(fs.readdirSync(dir), [".lock"]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("a lock held by another live process is respected; after that process is killed (kill -9) it is broken", async () => {
  const dir = tmp();
  const file = lockFileOf(dir);
  const holder = startChild({ action: "hold-lock", lockFile: file });
  try {
    await holder.waitFor(/^locked$/m);
    const pid = holder.child.pid!;
    await assert.rejects(acquireLock(file, { purpose: "p", waitMs: 0, log: false }), (e: unknown) => e instanceof LockBusyError && e.owner.pid === pid);
    holder.child.kill("SIGKILL");
    const ended = await holder.result;
    assert.equal(ended.signal, "SIGKILL");
    assert.ok(fs.existsSync(file), "kill -9 leaves the lock file");
    const lines: string[] = [];
    const lock = await acquireLock(file, { purpose: "p", waitMs: 0, log: (l) => lines.push(l) });
    assert.match(lines.join("\n"), new RegExp(`stale lock of process ${pid}`));
    lock.release();
  } finally {
    holder.child.kill("SIGKILL");
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
