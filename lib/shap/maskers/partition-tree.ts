/**
 * A binary hierarchy of features (players), the "clustering" that shap's maskers own and its
 * PartitionExplainer walks (docs/shap-reference.md A.3, docs/design.md, "Maskers own the partition tree").
 *
 * Node ids follow scipy's linkage convention, as shap does: ids 0..M-1 are the leaves (leaf j is mask
 * position j), id M+r is row r of the linkage matrix, the root is 2M-2, and every internal node's children
 * have smaller ids than the node itself (so scanning ids downwards visits parents before children).
 */
import { InputError } from "../../core/errors";
import { MinHeap } from "../../core/min-heap";

/** Shape of one image, rows x columns x channels ([H, W, C]; a plain array of three numbers is accepted). */
export type ImageShape = readonly [height: number, width: number, channels: number] | readonly number[];

export class PartitionTree {
  /** Number of leaves M (players). */
  readonly nLeaves: number;
  /** Number of nodes, 2M-1. */
  readonly nNodes: number;
  /** Id of the root, 2M-2 (0 for a single leaf). */
  readonly root: number;
  /** Left child of each node (length nNodes), -1 at leaves. */
  readonly left: Int32Array;
  /** Right child of each node (length nNodes), -1 at leaves. */
  readonly right: Int32Array;
  /** Number of leaves under each node (length nNodes). */
  readonly size: Int32Array;
  /** Leaves in depth-first order (left subtree first): the leaves of node v are leafOrder[leafStart[v] .. +size[v]). */
  readonly leafOrder: Int32Array;
  /** Start of each node's leaf range in `leafOrder` (length nNodes). */
  readonly leafStart: Int32Array;

  /**
   * @param nLeaves M, at least 1
   * @param children (M-1) x 2 row-major: row r holds the left and right child ids of node M+r
   */
  constructor(nLeaves: number, children: Int32Array) {
    if (!Number.isInteger(nLeaves) || nLeaves < 1) throw new InputError("PartitionTree", `nLeaves must be a positive integer, got ${nLeaves}`);
    if (children.length !== 2 * (nLeaves - 1)) {
      throw new InputError("PartitionTree", `children must hold ${nLeaves - 1} rows of 2 ids, got ${children.length} values`);
    }
    const nNodes = 2 * nLeaves - 1;
    this.nLeaves = nLeaves;
    this.nNodes = nNodes;
    this.root = nNodes - 1;
    this.left = new Int32Array(nNodes).fill(-1);
    this.right = new Int32Array(nNodes).fill(-1);
    this.size = new Int32Array(nNodes);
    const seen = new Uint8Array(nNodes);
    for (let v = 0; v < nLeaves; v++) this.size[v] = 1;
    for (let r = 0; r < nLeaves - 1; r++) {
      const v = nLeaves + r;
      const l = children[2 * r];
      const rt = children[2 * r + 1];
      for (const c of [l, rt]) {
        if (!Number.isInteger(c) || c < 0 || c >= v) {
          throw new InputError("PartitionTree", `row ${r}: child id ${c} must be an integer in [0, ${v}) (children come before parents)`);
        }
        if (seen[c]) throw new InputError("PartitionTree", `row ${r}: node ${c} has two parents`);
        seen[c] = 1;
      }
      this.left[v] = l;
      this.right[v] = rt;
      this.size[v] = this.size[l] + this.size[rt];
    }
    if (this.size[this.root] !== nLeaves) {
      throw new InputError("PartitionTree", `the root covers ${this.size[this.root]} leaves instead of ${nLeaves}`);
    }
    this.leafOrder = new Int32Array(nLeaves);
    this.leafStart = new Int32Array(nNodes);
    // Depth-first walk with an explicit stack: unbalanced trees can be deeper than the JS call stack allows.
    const stack = new Int32Array(nNodes);
    let top = 0;
    let next = 0;
    stack[top++] = this.root;
    this.leafStart[this.root] = 0;
    while (top > 0) {
      const v = stack[--top];
      if (v < nLeaves) {
        this.leafOrder[next++] = v;
        continue;
      }
      const l = this.left[v];
      const rt = this.right[v];
      this.leafStart[l] = this.leafStart[v];
      this.leafStart[rt] = this.leafStart[v] + this.size[l];
      stack[top++] = rt;
      stack[top++] = l;
    }
  }

  /** True when `node` is a leaf (a single player). */
  isLeaf(node: number): boolean {
    return node < this.nLeaves;
  }

  /** The leaves (mask positions) under `node`, as a view into `leafOrder`; do not modify. */
  leaves(node: number): Int32Array {
    return this.leafOrder.subarray(this.leafStart[node], this.leafStart[node] + this.size[node]);
  }

  /**
   * The scipy linkage matrix of the tree, (M-1) x 4 row-major: [left id, right id, 0, leaf count] per
   * internal node (the distance column is always 0, as in shap's Image masker).
   */
  toLinkage(): Float64Array {
    const m = this.nLeaves;
    const out = new Float64Array(4 * (m - 1));
    for (let r = 0; r < m - 1; r++) {
      const v = m + r;
      out[4 * r] = this.left[v];
      out[4 * r + 1] = this.right[v];
      out[4 * r + 2] = 0;
      out[4 * r + 3] = this.size[v];
    }
    return out;
  }

  /**
   * Builds a tree from a scipy-style linkage matrix ((M-1) x 4 row-major, or rows of at least 2 numbers):
   * only the two child columns are read; the leaf counts are recomputed and checked when present.
   */
  static fromLinkage(linkage: ArrayLike<number> | readonly (readonly number[])[], nLeaves?: number): PartitionTree {
    const rows: number[][] = [];
    if (linkage.length > 0 && Array.isArray((linkage as readonly unknown[])[0])) {
      for (const row of linkage as readonly (readonly number[])[]) rows.push([...row]);
    } else {
      const flat = linkage as ArrayLike<number>;
      if (flat.length % 4 !== 0) throw new InputError("PartitionTree.fromLinkage", `a flat linkage needs 4 columns, got ${flat.length} values`);
      for (let r = 0; r < flat.length / 4; r++) rows.push([flat[4 * r], flat[4 * r + 1], flat[4 * r + 2], flat[4 * r + 3]]);
    }
    const m = nLeaves ?? rows.length + 1;
    if (rows.length !== m - 1) throw new InputError("PartitionTree.fromLinkage", `${rows.length} rows do not describe ${m} leaves`);
    const children = new Int32Array(2 * (m - 1));
    for (let r = 0; r < rows.length; r++) {
      children[2 * r] = rows[r][0];
      children[2 * r + 1] = rows[r][1];
    }
    const tree = new PartitionTree(m, children);
    for (let r = 0; r < rows.length; r++) {
      if (rows[r].length >= 4 && rows[r][3] !== tree.size[m + r]) {
        throw new InputError("PartitionTree.fromLinkage", `row ${r} says ${rows[r][3]} leaves but its subtree has ${tree.size[m + r]}`);
      }
    }
    return tree;
  }

  /**
   * Builds a tree from nested pairs of leaf ids, e.g. `[[0, 1], [2, 3]]` for the hierarchy ((0,1),(2,3)).
   * Every id 0..M-1 must appear exactly once; every group must have exactly two members.
   */
  static fromNested(nested: NestedPairs): PartitionTree {
    const leaves: number[] = [];
    const collect = (g: NestedPairs): void => {
      if (typeof g === "number") leaves.push(g);
      else {
        if (g.length !== 2) throw new InputError("PartitionTree.fromNested", `every group must have two members, got ${g.length}`);
        collect(g[0]);
        collect(g[1]);
      }
    };
    collect(nested);
    const m = leaves.length;
    const present = new Uint8Array(m);
    for (const j of leaves) {
      if (!Number.isInteger(j) || j < 0 || j >= m || present[j]) {
        throw new InputError("PartitionTree.fromNested", `leaf ids must be 0..${m - 1}, each once; got ${JSON.stringify(nested)}`);
      }
      present[j] = 1;
    }
    const children = new Int32Array(2 * (m - 1));
    let row = 0;
    // Post-order numbering gives children smaller ids than their parents, as scipy's linkage requires.
    const build = (g: NestedPairs): number => {
      if (typeof g === "number") return g;
      const l = build(g[0]);
      const r = build(g[1]);
      children[2 * row] = l;
      children[2 * row + 1] = r;
      return m + row++;
    };
    build(nested);
    return new PartitionTree(m, children);
  }

  /**
   * shap's Image-masker tree for an H x W x C image (`shap/maskers/_image.py::build_partition_tree`), with the
   * same linkage rows. Boxes are split largest first (a max-heap on box size, ties by lower box bounds): rows
   * when the box has at least as many rows as columns, else columns, and channels only once a box is a
   * single pixel; the first part gets floor(extent/2). shap numbers the box with flat index p as leaf M-1-p
   * while its explainer reads leaf j as mask position j; we keep that, so as seen through mask positions the
   * split gives the *first* part ceil(extent/2) (docs/shap-reference.md A.3 worked examples).
   */
  static forImage(shape: ImageShape): PartitionTree {
    if (!shape || shape.length !== 3) throw new InputError("PartitionTree.forImage", `shape must be [height, width, channels], got ${JSON.stringify(shape)}`);
    const [h, w, c] = shape;
    for (const [name, v] of [["height", h], ["width", w], ["channels", c]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new InputError("PartitionTree.forImage", `${name} must be a positive integer, got ${v}`);
    }
    const m = h * w * c;
    const children = new Int32Array(2 * (m - 1));
    // Box: [x0, x1, y0, y1, z0, z1] over rows, columns, channels; shap's heap key is (-size, x0, x1, y0, y1, z0, z1).
    type Box = { key: number[]; parentRow: number; isLeft: boolean };
    const heap = new MinHeap<Box>((a, b) => compareTuples(a.key, b.key));
    const boxSize = (k: number[]): number => (k[2] - k[1]) * (k[4] - k[3]) * (k[6] - k[5]);
    heap.push({ key: [-m, 0, h, 0, w, 0, c], parentRow: -1, isLeft: false });
    let ind = m - 2;
    while (heap.length > 0) {
      const box = heap.pop();
      const [, x0, x1, y0, y1, z0, z1] = box.key;
      if (box.parentRow >= 0) children[2 * box.parentRow + (box.isLeft ? 0 : 1)] = ind + m;
      const xw = x1 - x0;
      const yw = y1 - y0;
      const zw = z1 - z0;
      if (xw > 1 || yw > 1 || zw > 1) {
        const l = [0, x0, x1, y0, y1, z0, z1];
        const r = [0, x0, x1, y0, y1, z0, z1];
        if (xw >= yw && xw > 1) {
          l[2] = r[1] = x0 + Math.floor(xw / 2);
        } else if (yw > 1) {
          l[4] = r[3] = y0 + Math.floor(yw / 2);
        } else {
          l[6] = r[5] = z0 + Math.floor(zw / 2);
        }
        l[0] = -boxSize(l);
        r[0] = -boxSize(r);
        heap.push({ key: l, parentRow: ind, isLeft: true });
        heap.push({ key: r, parentRow: ind, isLeft: false });
      } else if (ind + m !== m - 1 - ((x0 * w + y0) * c + z0)) {
        // Leaves pop in flat order after every internal box; if not, the numbering argument above fails.
        throw new Error(`PartitionTree.forImage: internal error, leaf ${ind + m} is box ${(x0 * w + y0) * c + z0}`);
      }
      ind--;
    }
    return new PartitionTree(m, children);
  }
}

/** Nested pairs of leaf ids, e.g. [[0, 1], [2, [3, 4]]]. */
export type NestedPairs = number | readonly [NestedPairs, NestedPairs];

function compareTuples(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}
