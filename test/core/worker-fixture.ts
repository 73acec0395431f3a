// Worker module of test/core/worker.test.ts (not a test file): answers task t with t², or fails as
// workerData.mode asks ("progress": three progress messages before each answer).
import { parentPort, threadId, workerData } from "node:worker_threads";

const mode = (workerData as { mode?: string } | null)?.mode;
const port = parentPort;
if (port) {
  port.on("message", (task: number) => {
    if (mode === "crash") throw new Error(`task ${task} crashed`);
    if (mode === "exit") process.exit(3);
    if (mode === "progress") for (let k = 1; k <= 3; k++) port.postMessage({ task, progress: k });
    port.postMessage({ task, square: task * task, threadId, bad: mode === "bad-answer" && task === 2 });
  });
}
