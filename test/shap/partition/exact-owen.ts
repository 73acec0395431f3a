/**
 * Exact Owen values of a game over a binary hierarchy, by full enumeration: the test oracle for the
 * budgeted PartitionExplainer (docs/shap-reference.md A.4).
 *
 * For a binary tree the Owen value is a recursion of two-player Shapley values: node N = L u R in context C
 * distributes v(C u N) - v(C) as
 *   owen(L, C, w/2) + owen(L, C u R, w/2) + owen(R, C, w/2) + owen(R, C u L, w/2),
 * and a leaf i receives w (v(C u {i}) - v(C)); the start is owen(root, {}, 1). The cost is about 2 M^2 game
 * evaluations for a balanced tree (each distinct coalition is evaluated once), so keep M small (tens).
 */
import { InputError } from "../../../lib/core/errors";
import type { PartitionTree } from "../../../lib/shap/maskers/partition-tree";

/** Largest game enumerated: M^2 leaf visits, each copying an M-byte context. */
const MAX_PLAYERS = 256;

/**
 * Owen values phi (length nPlayers) of `game` over `tree`. The game receives a mask of length nPlayers
 * (1 = player present) that it must not keep or modify. Efficiency holds: sum(phi) = v(all) - v(none).
 */
export function exactOwenValues(game: (mask: Uint8Array) => number, tree: PartitionTree, nPlayers: number = tree.nLeaves): Float64Array {
  const where = "exactOwenValues";
  if (nPlayers !== tree.nLeaves) throw new InputError(where, `the tree has ${tree.nLeaves} leaves for ${nPlayers} players`);
  if (nPlayers > MAX_PLAYERS) throw new InputError(where, `${nPlayers} players is too many for exact enumeration (about M^2 leaf visits; at most ${MAX_PLAYERS})`);
  const cache = new Map<string, number>();
  const value = (mask: Uint8Array): number => {
    const key = maskKey(mask);
    let v = cache.get(key);
    if (v === undefined) {
      v = game(mask.slice());
      if (!Number.isFinite(v)) throw new InputError(where, `the game returned ${v} for coalition {${membersOf(mask).join(", ")}}`);
      cache.set(key, v);
    }
    return v;
  };
  const phi = new Float64Array(nPlayers);
  const withNode = (context: Uint8Array, node: number): Uint8Array => {
    const out = context.slice();
    for (const j of tree.leaves(node)) out[j] = 1;
    return out;
  };
  // Explicit stack of (node, context, weight): deep unbalanced trees would overflow a recursive walk.
  const stack: { node: number; context: Uint8Array; weight: number }[] = [{ node: tree.root, context: new Uint8Array(nPlayers), weight: 1 }];
  while (stack.length > 0) {
    const { node, context, weight } = stack.pop()!;
    if (tree.isLeaf(node)) {
      phi[node] += weight * (value(withNode(context, node)) - value(context));
      continue;
    }
    const l = tree.left[node];
    const r = tree.right[node];
    const half = weight / 2;
    stack.push({ node: l, context, weight: half });
    stack.push({ node: l, context: withNode(context, r), weight: half });
    stack.push({ node: r, context, weight: half });
    stack.push({ node: r, context: withNode(context, l), weight: half });
  }
  return phi;
}

function maskKey(mask: Uint8Array): string {
  let s = "";
  for (let i = 0; i < mask.length; i++) s += mask[i] ? "1" : "0";
  return s;
}

function membersOf(mask: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < mask.length; i++) if (mask[i]) out.push(i);
  return out;
}
