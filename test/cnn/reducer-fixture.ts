// Worker module of test/cnn/shared-reducer.test.ts (not a test file): takes part in workerData.exchanges
// all-reduces of a SharedReducer, each thread spinning a pseudo-random while before each one so that the
// threads arrive in every order, and answers with the exchanges whose sum was not the expected one.
import { parentPort, workerData } from "node:worker_threads";
import { SharedReducer } from "../../lib/cnn/shared-reducer";

const { buffer, rank, threads, exchanges, slotLength } = workerData as { buffer: SharedArrayBuffer; rank: number; threads: number; exchanges: number; slotLength: number };
/** The value thread `r` contributes at position i of exchange k. */
const contribution = (r: number, k: number, i: number) => (r + 1) * 1000 + k + i / 8;
const reducer = new SharedReducer(buffer, rank, threads, slotLength);
const wrong: number[] = [];
let seed = rank * 7919 + 1;
for (let k = 0; k < exchanges; k++) {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  const until = performance.now() + (seed % 200) / 1000;
  while (performance.now() < until);
  const values = Float64Array.from({ length: 5 }, (_, i) => contribution(rank, k, i));
  reducer.allReduce(values);
  for (let i = 0; i < values.length; i++) {
    let expected = 0;
    for (let r = 0; r < threads; r++) expected += contribution(r, k, i);
    if (values[i] !== expected) {
      wrong.push(k);
      break;
    }
  }
}
parentPort?.postMessage(wrong);
