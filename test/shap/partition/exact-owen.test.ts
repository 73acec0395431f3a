import { test } from "node:test";
import assert from "node:assert/strict";
import { exactOwenValues } from "./exact-owen";
import { PartitionTree } from "../../../lib/shap/maskers/partition-tree";
import { Rng } from "../../../lib/core/rng";

const fact = (k: number): number => (k <= 1 ? 1 : k * fact(k - 1));

/**
 * The general Owen formula for a one-level partition into blocks with players inside them (docs/shap-reference.md
 * A.4): phi_i = sum over sets R of other blocks and T of i's block-mates of the two Shapley weights times the
 * marginal contribution of i to Q_R u T. Independent of the recursion under test.
 */
function owenFormula(game: (mask: Uint8Array) => number, blocks: number[][], m: number): Float64Array {
  const phi = new Float64Array(m);
  const nb = blocks.length;
  blocks.forEach((block, k) => {
    const others = blocks.filter((_, j) => j !== k);
    for (const i of block) {
      const mates = block.filter((j) => j !== i);
      for (let r = 0; r < 1 << others.length; r++) {
        const rSize = popcount(r);
        const wr = (fact(rSize) * fact(nb - rSize - 1)) / fact(nb);
        for (let t = 0; t < 1 << mates.length; t++) {
          const tSize = popcount(t);
          const wt = (fact(tSize) * fact(block.length - tSize - 1)) / fact(block.length);
          const mask = new Uint8Array(m);
          others.forEach((b, j) => {
            if ((r >> j) & 1) for (const p of b) mask[p] = 1;
          });
          mates.forEach((p, j) => {
            if ((t >> j) & 1) mask[p] = 1;
          });
          const without = game(mask);
          mask[i] = 1;
          phi[i] += wr * wt * (game(mask) - without);
        }
      }
    }
  });
  return phi;
}
function popcount(x: number): number {
  let c = 0;
  for (; x; x >>= 1) c += x & 1;
  return c;
}

const FOUR = (mask: Uint8Array): number => mask[0] * mask[1] + 2 * mask[2] + mask[3] * mask[0] + 3 * mask[1] * mask[2] * mask[3];

test("worked example of A.4: Owen values (1, 2, 2.75, 1.25)", () => {
  const phi = exactOwenValues(FOUR, PartitionTree.fromNested([[0, 1], [2, 3]]), 4);
  assert.deepEqual(Array.from(phi), [1, 2, 2.75, 1.25]);
});

test("the recursion equals the general formula on two-player blocks, for random games", () => {
  const rng = new Rng("owen-formula");
  for (let trial = 0; trial < 5; trial++) {
    const table = Float64Array.from({ length: 16 }, () => rng.normal());
    const game = (mask: Uint8Array): number => table[mask[0] | (mask[1] << 1) | (mask[2] << 2) | (mask[3] << 3)];
    const recursion = exactOwenValues(game, PartitionTree.fromNested([[0, 2], [1, 3]]));
    const formula = owenFormula(game, [[0, 2], [1, 3]], 4);
    for (let i = 0; i < 4; i++) assert.ok(Math.abs(recursion[i] - formula[i]) < 1e-12, `trial ${trial}, player ${i}`);
    const sum = recursion.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - (game(Uint8Array.of(1, 1, 1, 1)) - game(new Uint8Array(4)))) < 1e-12, "efficiency");
  }
});

test("axioms: efficiency, dummy player, symmetric players in symmetric positions", () => {
  const tree = PartitionTree.fromNested([[0, [1, 2]], [3, [4, 5]]]);
  // player 2 and 5 are dummies; 1 and 4 sit symmetrically and play symmetric roles
  const game = (m: Uint8Array): number => 3 * m[0] * m[3] + m[1] * m[0] + m[4] * m[3] + 0.5 * m[1] * m[4];
  const phi = exactOwenValues(game, tree);
  assert.equal(phi[2], 0);
  assert.equal(phi[5], 0);
  assert.ok(Math.abs(phi[1] - phi[4]) < 1e-15);
  assert.ok(Math.abs(phi[0] - phi[3]) < 1e-15);
  assert.ok(Math.abs(phi.reduce((a, b) => a + b, 0) - game(new Uint8Array(6).fill(1))) < 1e-12);
});

test("the game is called once per distinct coalition and gets a private copy", () => {
  const tree = PartitionTree.fromNested([[0, 1], [2, 3]]);
  const seen = new Set<string>();
  let calls = 0;
  exactOwenValues((mask) => {
    calls++;
    seen.add(mask.join(""));
    const v = FOUR(mask);
    mask.fill(0); // scribbling must not disturb the enumeration
    return v;
  }, tree);
  assert.equal(calls, seen.size);
  assert.deepEqual(Array.from(exactOwenValues(FOUR, tree)), [1, 2, 2.75, 1.25]);
});

test("errors: player count, non-finite game values, too many players", () => {
  const tree = PartitionTree.fromNested([[0, 1], [2, 3]]);
  assert.throws(() => exactOwenValues(FOUR, tree, 5), /4 leaves for 5 players/);
  assert.throws(() => exactOwenValues((m) => (m[0] ? NaN : 0), tree), /returned NaN for coalition \{0/);
  assert.throws(() => exactOwenValues(() => 0, PartitionTree.forImage([16, 17, 1])), /too many/);
});
