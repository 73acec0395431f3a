import { test } from "node:test";
import assert from "node:assert/strict";
import { PartitionTree, type NestedPairs } from "../../../lib/shap/maskers/partition-tree";
import { InputError } from "../../../lib/core/errors";

/** The tree as nested groups of leaf ids, each pair ordered by its smallest leaf (child order carries no meaning). */
type Canon = number | [Canon, Canon];
function canonical(tree: PartitionTree, node = tree.root): Canon {
  if (tree.isLeaf(node)) return node;
  const a = canonical(tree, tree.left[node]);
  const b = canonical(tree, tree.right[node]);
  return minLeaf(a) < minLeaf(b) ? [a, b] : [b, a];
}
function minLeaf(c: Canon): number {
  return typeof c === "number" ? c : Math.min(minLeaf(c[0]), minLeaf(c[1]));
}
/** The leaves under `c`, sorted. */
function leafSet(c: Canon): number[] {
  return typeof c === "number" ? [c] : [...leafSet(c[0]), ...leafSet(c[1])].sort((x, y) => x - y);
}

/**
 * The split rule of docs/shap-reference.md A.3 written independently, in mask positions: halve the longer spatial
 * side (rows on ties), first part ceil, channels only for single pixels.
 */
function referenceImageTree(h: number, w: number, c: number): Canon {
  const box = (r0: number, r1: number, c0: number, c1: number, k0: number, k1: number): Canon => {
    const dh = r1 - r0, dw = c1 - c0, dk = k1 - k0;
    if (dh === 1 && dw === 1 && dk === 1) return (r0 * w + c0) * c + k0;
    let a: Canon, b: Canon;
    if (dh >= dw && dh > 1) {
      const mid = r0 + Math.ceil(dh / 2);
      [a, b] = [box(r0, mid, c0, c1, k0, k1), box(mid, r1, c0, c1, k0, k1)];
    } else if (dw > 1) {
      const mid = c0 + Math.ceil(dw / 2);
      [a, b] = [box(r0, r1, c0, mid, k0, k1), box(r0, r1, mid, c1, k0, k1)];
    } else {
      const mid = k0 + Math.ceil(dk / 2);
      [a, b] = [box(r0, r1, c0, c1, k0, mid), box(r0, r1, c0, c1, mid, k1)];
    }
    return minLeaf(a) < minLeaf(b) ? [a, b] : [b, a];
  };
  return box(0, h, 0, w, 0, c);
}

const rowsOf = (rows: number[], cols: number[], w: number): number[] =>
  rows.flatMap((r) => cols.map((c) => r * w + c)).sort((a, b) => a - b);

test("shape (5,3,1): root = rows 0-2 | rows 3-4, and rows 3-4 split by columns first", () => {
  const tree = PartitionTree.forImage([5, 3, 1]);
  assert.equal(tree.nLeaves, 15);
  const root = canonical(tree) as [Canon, Canon];
  assert.deepEqual(leafSet(root[0]), rowsOf([0, 1, 2], [0, 1, 2], 3));
  assert.deepEqual(leafSet(root[1]), rowsOf([3, 4], [0, 1, 2], 3));
  const top = root[0] as [Canon, Canon];
  assert.deepEqual(leafSet(top[0]), rowsOf([0, 1], [0, 1, 2], 3));
  assert.deepEqual(leafSet(top[1]), rowsOf([2], [0, 1, 2], 3));
  const rows01 = top[0] as [Canon, Canon];
  assert.deepEqual(leafSet(rows01[0]), rowsOf([0, 1], [0, 1], 3));
  assert.deepEqual(leafSet(rows01[1]), rowsOf([0, 1], [2], 3));
  const row2 = top[1] as [Canon, Canon];
  assert.deepEqual(leafSet(row2[0]), [6, 7]);
  assert.deepEqual(leafSet(row2[1]), [8]);
  const bottom = root[1] as [Canon, Canon];
  assert.deepEqual(leafSet(bottom[0]), rowsOf([3, 4], [0, 1], 3));
  assert.deepEqual(leafSet(bottom[1]), rowsOf([3, 4], [2], 3));
});

test("shape (2,3,3): root splits columns 0-1 | 2, pixels split channels {0,1} | {2}", () => {
  const tree = PartitionTree.forImage([2, 3, 3]);
  const root = canonical(tree) as [Canon, Canon];
  const el = (r: number, c: number, k: number): number => (r * 3 + c) * 3 + k;
  assert.deepEqual(leafSet(root[0]), [0, 1].flatMap((r) => [0, 1].flatMap((c) => [0, 1, 2].map((k) => el(r, c, k)))).sort((a, b) => a - b));
  const left = root[0] as [Canon, Canon];
  assert.deepEqual(leafSet(left[0]), [el(0, 0, 0), el(0, 0, 1), el(0, 0, 2), el(0, 1, 0), el(0, 1, 1), el(0, 1, 2)]);
  const row0 = left[0] as [Canon, Canon];
  assert.deepEqual(row0[0], [[el(0, 0, 0), el(0, 0, 1)], el(0, 0, 2)]);
  assert.deepEqual(row0[1], [[el(0, 1, 0), el(0, 1, 1)], el(0, 1, 2)]);
  // column 2 (2 x 1 pixels) splits by rows
  const col2 = root[1] as [Canon, Canon];
  assert.deepEqual(col2[0], [[el(0, 2, 0), el(0, 2, 1)], el(0, 2, 2)]);
  assert.deepEqual(col2[1], [[el(1, 2, 0), el(1, 2, 1)], el(1, 2, 2)]);
});

test("forImage follows the documented split rule on several shapes", () => {
  for (const [h, w, c] of [[5, 3, 1], [2, 3, 3], [4, 4, 3], [7, 5, 1], [3, 8, 3], [1, 1, 3], [6, 5, 3]] as const) {
    assert.deepEqual(canonical(PartitionTree.forImage([h, w, c])), referenceImageTree(h, w, c), `shape ${h}x${w}x${c}`);
  }
});

test("linkage matrix reproduces shap's numbering: (2,2,1) by hand", () => {
  // Worked through shap's build_partition_tree: heap on (-size, x0, x1, y0, y1, z0, z1), leaves numbered M-1-flat.
  const tree = PartitionTree.forImage([2, 2, 1]);
  assert.deepEqual(Array.from(tree.toLinkage()), [1, 0, 0, 2, 3, 2, 0, 2, 5, 4, 0, 4]);
  assert.deepEqual(canonical(PartitionTree.fromLinkage(tree.toLinkage())), canonical(tree));
});

test("33 x 153 x 3: every leaf once, sizes add up, children before parents", () => {
  const tree = PartitionTree.forImage([33, 153, 3]);
  const m = 33 * 153 * 3;
  assert.equal(tree.nLeaves, m);
  assert.equal(tree.nNodes, 2 * m - 1);
  assert.equal(tree.size[tree.root], m);
  const seen = new Uint8Array(m);
  for (const j of tree.leafOrder) seen[j]++;
  assert.ok(seen.every((v) => v === 1));
  for (let v = m; v < tree.nNodes; v++) {
    assert.ok(tree.left[v] < v && tree.right[v] < v);
    assert.equal(tree.size[v], tree.size[tree.left[v]] + tree.size[tree.right[v]]);
  }
  const linkage = tree.toLinkage();
  assert.equal(linkage.length, 4 * (m - 1));
  assert.equal(linkage[4 * (m - 2) + 3], m);
});

test("fromNested and leaves()", () => {
  const nested: NestedPairs = [[0, 1], [2, [3, 4]]];
  const tree = PartitionTree.fromNested(nested);
  assert.equal(tree.nLeaves, 5);
  assert.deepEqual(canonical(tree), [[0, 1], [2, [3, 4]]]);
  assert.deepEqual(Array.from(tree.leaves(tree.root)).sort(), [0, 1, 2, 3, 4]);
  assert.deepEqual(Array.from(tree.leaves(tree.right[tree.root])), [2, 3, 4]);
  assert.equal(PartitionTree.fromNested(0).nNodes, 1);
});

test("bad trees are refused with clear errors", () => {
  assert.throws(() => PartitionTree.fromNested([[0, 1], [1, 2]] as NestedPairs), InputError);
  assert.throws(() => PartitionTree.fromNested([0, 2]), /leaf ids must be 0..1/);
  assert.throws(() => new PartitionTree(3, Int32Array.from([3, 1, 0, 2])), /child id 3/);
  assert.throws(() => new PartitionTree(3, Int32Array.from([0, 1, 0, 3])), /two parents/);
  assert.throws(() => PartitionTree.fromLinkage([[0, 1, 0, 3]]), /says 3 leaves/);
  assert.throws(() => PartitionTree.forImage([0, 3, 1]), /height must be a positive integer/);
});
