import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { moduleWorkerLaunch, runWorkerTasks, WorkerTasks } from "../../lib/core/worker";

const FIXTURE = path.join(__dirname, "worker-fixture");

interface Answer {
  task: number;
  square: number;
  threadId: number;
  bad: boolean;
}

/** Tasks 0..nTasks-1 on the fixture; answers are checked and kept by task. */
function tasks(nTasks: number, mode: string, answers: Answer[], file = FIXTURE): WorkerTasks<Answer> {
  return {
    file,
    workerData: { mode },
    nWorkers: 2,
    nTasks,
    send: (worker, task) => worker.postMessage(task),
    receive: (a) => {
      if (a.bad) throw new Error(`task ${a.task} answered badly`);
      answers[a.task] = a;
    },
    errors: {
      start: (e) => new Error(`cannot start (${e.message})`),
      crash: (e) => new Error(`crashed (${e.message})`),
      exit: (code) => new Error(`exited with ${code}`),
    },
  };
}

test("a TypeScript module boots through tsx's require hook; a missing module is named", () => {
  const launch = moduleWorkerLaunch(`${FIXTURE}.ts`);
  assert.equal(launch.evalScript, true);
  assert.match(launch.script, /tsx.*cjs.*worker-fixture\.ts/);
  assert.deepEqual(moduleWorkerLaunch(FIXTURE), launch);
  assert.throws(() => moduleWorkerLaunch(path.join(__dirname, "no-such-module")), /worker module .*no-such-module\(\.ts\|\.js\) not found/);
});

test("every task is answered once, spread over both workers", async () => {
  const answers: Answer[] = [];
  await runWorkerTasks(tasks(9, "ok", answers));
  assert.deepEqual(answers.map((a) => a.square), [0, 1, 4, 9, 16, 25, 36, 49, 64]);
  assert.equal(new Set(answers.map((a) => a.threadId)).size, 2);
  await runWorkerTasks(tasks(0, "ok", answers));
});

test("a bad answer, a crash, an early exit and a missing module reject with the caller's errors", async () => {
  await assert.rejects(runWorkerTasks(tasks(5, "bad-answer", [])), /^Error: task 2 answered badly$/);
  await assert.rejects(runWorkerTasks(tasks(5, "crash", [])), /^Error: crashed \(task \d crashed\)$/);
  await assert.rejects(runWorkerTasks(tasks(5, "exit", [])), /^Error: exited with 3$/);
  await assert.rejects(runWorkerTasks(tasks(5, "ok", [], path.join(__dirname, "no-such-module"))), /^Error: cannot start \(worker module .* not found\)$/);
});

test("interim messages (progress) reach the caller in order and are not taken as answers", async () => {
  const answers: Answer[] = [];
  const progress = new Map<number, number[]>();
  await runWorkerTasks({
    ...tasks(5, "progress", answers),
    interim: (m) => {
      const p = m as { task: number; progress?: number };
      if (p.progress === undefined) return false;
      assert.equal(answers[p.task], undefined, "progress after the answer");
      progress.set(p.task, [...(progress.get(p.task) ?? []), p.progress]);
      return true;
    },
  });
  assert.deepEqual(answers.map((a) => a.square), [0, 1, 4, 9, 16]);
  assert.deepEqual([...progress.keys()].sort(), [0, 1, 2, 3, 4]);
  for (const steps of progress.values()) assert.deepEqual(steps, [1, 2, 3]);
});

test("an interim handler that throws ends the run with its error", async () => {
  const run = runWorkerTasks({
    ...tasks(3, "progress", []),
    interim: () => {
      throw new Error("bad progress");
    },
  });
  await assert.rejects(run, /^Error: bad progress$/);
});
