/**
 * Worker-thread entry of `RandomForestRegressor.train`: builds the trees it is asked for on the shared
 * presorted table and sends each back (buffers transferred, not copied). Started by
 * `buildTreesInParallel` in ./build-trees; not meant to be imported.
 *
 * workerData: { table: PresortedTable (SharedArrayBuffer-backed), y: Float64Array (shared), params }.
 * Messages in: { treeIndex, seed }. Messages out: { treeIndex, tree } or { treeIndex, error }. The parent
 * terminates the worker when every tree is built.
 */
import { parentPort, workerData } from "node:worker_threads";
import { TreeBuilder, type TreeParams } from "./build-tree";
import type { PresortedTable } from "./presorted-table";

interface WorkerInput {
  table: PresortedTable;
  y: Float64Array;
  params: TreeParams;
}

if (parentPort) {
  const port = parentPort;
  const { table, y, params } = workerData as WorkerInput;
  const builder = new TreeBuilder(table, y, params);
  port.on("message", (msg: { treeIndex: number; seed: string }) => {
    try {
      const tree = builder.build(msg.seed);
      const buffers = [tree.childrenLeft, tree.childrenRight, tree.feature, tree.threshold, tree.value, tree.cover, tree.nNodeSamples].map(
        (a) => a.buffer as ArrayBuffer,
      );
      port.postMessage({ treeIndex: msg.treeIndex, tree }, buffers);
    } catch (e) {
      port.postMessage({ treeIndex: msg.treeIndex, error: e instanceof Error ? e.stack ?? e.message : String(e) });
    }
  });
}
