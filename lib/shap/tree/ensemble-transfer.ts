import { Tree, TreeEnsemble } from "./tree-ensemble";

/**
 * A tree ensemble packed into two SharedArrayBuffers so worker threads read the same memory instead of each
 * receiving a copy: per tree, `childrenLeft`, `childrenRight`, `feature` back to back in `ints` (Int32) and
 * `threshold`, `value`, `cover` in `floats` (Float64), trees one after the other in ensemble order.
 */
export interface PackedEnsemble {
  readonly ints: SharedArrayBuffer;
  readonly floats: SharedArrayBuffer;
  readonly nodeCounts: number[];
  readonly scale: number[];
  readonly nFeatures: number;
  readonly baseOffset: number;
  readonly featureNames?: string[];
}

/** Copies `e` into shared memory (once per parallel call; the workers then share it). */
export function packEnsemble(e: TreeEnsemble): PackedEnsemble {
  const nodeCounts = e.trees.map((t) => t.childrenLeft.length);
  const total = nodeCounts.reduce((a, b) => a + b, 0);
  const ints = new SharedArrayBuffer(3 * total * Int32Array.BYTES_PER_ELEMENT);
  const floats = new SharedArrayBuffer(3 * total * Float64Array.BYTES_PER_ELEMENT);
  const intView = new Int32Array(ints), floatView = new Float64Array(floats);
  let at = 0;
  for (const t of e.trees) {
    const n = t.childrenLeft.length;
    intView.set(t.childrenLeft, 3 * at);
    intView.set(t.childrenRight, 3 * at + n);
    intView.set(t.feature, 3 * at + 2 * n);
    floatView.set(t.threshold, 3 * at);
    floatView.set(t.value, 3 * at + n);
    floatView.set(t.cover, 3 * at + 2 * n);
    at += n;
  }
  return {
    ints,
    floats,
    nodeCounts,
    scale: Array.from(e.scale),
    nFeatures: e.nFeatures,
    baseOffset: e.baseOffset,
    featureNames: e.featureNames ? [...e.featureNames] : undefined,
  };
}

/** The ensemble as views on the shared buffers (no copy). */
export function unpackEnsemble(p: PackedEnsemble): TreeEnsemble {
  const trees: Tree[] = [];
  let at = 0;
  for (const n of p.nodeCounts) {
    trees.push({
      childrenLeft: new Int32Array(p.ints, 3 * at * 4, n),
      childrenRight: new Int32Array(p.ints, (3 * at + n) * 4, n),
      feature: new Int32Array(p.ints, (3 * at + 2 * n) * 4, n),
      threshold: new Float64Array(p.floats, 3 * at * 8, n),
      value: new Float64Array(p.floats, (3 * at + n) * 8, n),
      cover: new Float64Array(p.floats, (3 * at + 2 * n) * 8, n),
    });
    at += n;
  }
  return { trees, scale: Float64Array.from(p.scale), nFeatures: p.nFeatures, baseOffset: p.baseOffset, featureNames: p.featureNames };
}
