import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { startModuleWorker } from "../../lib/core/worker";
import { SharedReducer, sharedReducerBytes } from "../../lib/cnn/shared-reducer";

test("three threads' all-reduces give every thread each exchange's sum, whatever order they arrive in (one barrier per exchange)", async () => {
  const threads = 3;
  const slotLength = 8;
  const exchanges = 2000;
  const buffer = new SharedArrayBuffer(sharedReducerBytes(threads, slotLength));
  const answers = await Promise.all(
    Array.from({ length: threads }, (_, rank) => {
      const worker = startModuleWorker(path.join(__dirname, "reducer-fixture"), { workerData: { buffer, rank, threads, exchanges, slotLength } });
      return new Promise<number[]>((resolve, reject) => {
        worker.once("message", (wrong: number[]) => {
          void worker.terminate();
          resolve(wrong);
        });
        worker.once("error", reject);
      });
    }),
  );
  answers.forEach((wrong, rank) => assert.deepEqual(wrong, [], `thread ${rank}: wrong sums in exchanges ${wrong.slice(0, 10).join(", ")}`));
});

test("a shared reducer refuses a rank without a slot and a vector larger than a slot", () => {
  const buffer = new SharedArrayBuffer(sharedReducerBytes(2, 4));
  assert.throws(() => new SharedReducer(buffer, 2, 2, 4), /rank 2 has no slot in a buffer of 2 slots/);
  assert.throws(() => new SharedReducer(buffer, 0, 2, 4).allReduce(new Float64Array(5)), /5 values exceed a slot of 4/);
});
