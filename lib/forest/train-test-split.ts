import { InputError } from "../core/errors";
import { Rng } from "../core/rng";

/** Row indices of a train/test split. */
export interface TrainTestSplit {
  readonly trainIndex: Int32Array;
  readonly testIndex: Int32Array;
}

/** Options of the splits. */
export interface SplitOptions {
  /** Fraction of the rows (or of the groups) put in the test set, in (0, 1). @default 0.2 */
  testFraction?: number;
  /** Seed of the shuffle (the paper uses 42). */
  seed: number | string;
}

/**
 * A random train/test split of nRows rows, as sklearn's `train_test_split(test_size=testFraction)` sizes
 * it: ceil(testFraction * nRows) test rows, the rest for training; both index lists in shuffled order.
 * Random over rows, as the paper splits (section 5: 80/20, seed 42); see `groupedTrainTestSplit` to keep
 * every event on one side.
 * @throws InputError when either side would be empty
 */
export function trainTestSplit(nRows: number, options: SplitOptions): TrainTestSplit {
  const where = "trainTestSplit";
  if (!Number.isInteger(nRows) || nRows < 0) throw new InputError(where, `nRows must be a non-negative integer, got ${nRows}`);
  const nTest = testCount(nRows, options.testFraction, where, "rows");
  const permutation = new Rng(options.seed).permutation(nRows);
  return { testIndex: permutation.slice(0, nTest), trainIndex: permutation.slice(nTest) };
}

/**
 * A random split of groups (for example `source_id`, so that the same event recorded at several stations
 * never sits on both sides), as sklearn's `GroupShuffleSplit(test_size=testFraction)`: the distinct groups,
 * sorted, are shuffled and the first ceil(testFraction * nGroups) form the test side. Indices ascend.
 * @param groups one group label per row
 * @throws InputError when either side would have no group
 */
export function groupedTrainTestSplit(groups: readonly string[], options: SplitOptions): TrainTestSplit {
  const where = "groupedTrainTestSplit";
  const distinct = [...new Set(groups)].sort();
  const nTest = testCount(distinct.length, options.testFraction, where, "groups");
  const permutation = new Rng(options.seed).permutation(distinct.length);
  const testGroups = new Set<string>();
  for (let k = 0; k < nTest; k++) testGroups.add(distinct[permutation[k]]);
  const trainIndex: number[] = [];
  const testIndex: number[] = [];
  groups.forEach((g, row) => (testGroups.has(g) ? testIndex : trainIndex).push(row));
  return { trainIndex: Int32Array.from(trainIndex), testIndex: Int32Array.from(testIndex) };
}

function testCount(n: number, testFraction: number | undefined, where: string, what: string): number {
  const fraction = testFraction ?? 0.2;
  if (!(fraction > 0 && fraction < 1)) throw new InputError(where, `testFraction must be in (0, 1), got ${fraction}`);
  const nTest = Math.ceil(fraction * n);
  if (nTest === 0 || nTest === n) {
    throw new InputError(where, `${n} ${what} with testFraction ${fraction} leave an empty ${nTest === 0 ? "test" : "training"} set`);
  }
  return nTest;
}
