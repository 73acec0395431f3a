/**
 * Train / validation / test splits over metadata rows, seeded (SeisBench's `split` column).
 *
 * - `randomSplit`: the paper's split, at random over traces (the same event recorded at another station can
 *   land in another split). Sizes follow scikit-learn's two calls of train_test_split (test_size = val + test,
 *   then test / (val + test) of the held-out part, each rounded up), which turns 79,454 traces into
 *   55,617 / 11,918 / 11,919 as in the paper.
 * - `groupedSplit`: Laurenti et al.'s leak-free split by event: all traces of one `source_id` go to the
 *   same split. Events are shuffled (or taken in time order) and assigned in turn to train, then val, then
 *   test until each holds its share of the traces.
 * - `stationIndices`: the rows of some stations (the paper's "NRCA subset").
 * - `trainTestSplit` and `groupedTrainTestSplit`: two-way splits of row indices as scikit-learn's
 *   `train_test_split` and `GroupShuffleSplit` size them, for the magnitude forest (paper section 5: 80/20,
 *   seed 42, at random over rows; grouped by event to keep every event on one side).
 */
import { Rng } from "../core/rng";
import { InputError } from "../core/errors";

/** Split names, in order. */
export type SplitName = "train" | "val" | "test";

/** Fractions of the three splits (summing to 1). */
export interface SplitFractions {
  /** @default 0.7 */
  readonly train?: number;
  /** @default 0.15 */
  readonly val?: number;
  /** @default 0.15 */
  readonly test?: number;
}

/** A split: the `split` column (one name per row, in row order) and the row indices of each split (ascending). */
export interface DatasetSplit {
  readonly split: readonly SplitName[];
  readonly train: Int32Array;
  readonly val: Int32Array;
  readonly test: Int32Array;
}

/** Options of `randomSplit`. */
export interface RandomSplitOptions extends SplitFractions {
  readonly seed: number;
}

/** Options of `groupedSplit`. */
export interface GroupedSplitOptions extends SplitFractions {
  /** Column holding the group (event) of a row. @default "source_id" */
  readonly by?: string;
  /** "random" shuffles the groups with `seed`; "time" orders them by their earliest `timeColumn`. @default "random" */
  readonly order?: "random" | "time";
  /** Column with an ISO time, for order "time". @default "source_origin_time" */
  readonly timeColumn?: string;
  /** Required for order "random". */
  readonly seed?: number;
}

function fractionsOf(options: SplitFractions, where: string): [number, number, number] {
  const f: [number, number, number] = [options.train ?? 0.7, options.val ?? 0.15, options.test ?? 0.15];
  if (f.some((x) => !(x >= 0)) || Math.abs(f[0] + f[1] + f[2] - 1) > 1e-9) {
    throw new InputError(where, `train, val and test fractions must be >= 0 and sum to 1, got ${f.join(", ")}`);
  }
  return f;
}

function assertSeed(seed: unknown, where: string): asserts seed is number {
  if (typeof seed !== "number" || !Number.isFinite(seed)) throw new InputError(where, `needs a finite numeric seed, got ${String(seed)}`);
}

/** Builds the split column and index arrays from a split name per row. */
function fromAssignment(assignment: SplitName[]): DatasetSplit {
  const pick = (name: SplitName) => Int32Array.from(assignment.flatMap((s, i) => (s === name ? [i] : [])));
  return { split: assignment, train: pick("train"), val: pick("val"), test: pick("test") };
}

/**
 * Split sizes for `n` rows as scikit-learn computes them with two train_test_split calls: held out =
 * ceil((val + test) n), test = ceil(test / (val + test) * held out), val = held out - test.
 */
export function splitSizes(n: number, options: SplitFractions = {}): { train: number; val: number; test: number } {
  const [, val, test] = fractionsOf(options, "splitSizes");
  const heldOut = val + test === 0 ? 0 : Math.ceil(round12((val + test) * n));
  const nTest = val + test === 0 ? 0 : Math.ceil(round12((test / (val + test)) * heldOut));
  return { train: n - heldOut, val: heldOut - nTest, test: nTest };
}

/** Removes floating-point fuzz before a ceil (0.3 * 10 is 3.0000000000000004). */
function round12(x: number): number {
  return Math.round(x * 1e12) / 1e12;
}

/**
 * The paper's split: rows shuffled with `seed` and cut into train / val / test of `splitSizes`. Works on
 * any array of rows (only its length is used).
 */
export function randomSplit(rows: ArrayLike<unknown>, options: RandomSplitOptions): DatasetSplit {
  assertSeed(options.seed, "randomSplit");
  const n = rows.length;
  const sizes = splitSizes(n, options);
  const order = new Rng(`${options.seed}:random-split`).permutation(n);
  const assignment = new Array<SplitName>(n);
  for (let k = 0; k < n; k++) assignment[order[k]] = k < sizes.train ? "train" : k < sizes.train + sizes.val ? "val" : "test";
  return fromAssignment(assignment);
}

/**
 * Leak-free split by group (event): every row of a group lands in the same split. Groups are shuffled with
 * `seed` (order "random") or sorted by their earliest time (order "time"), then filled into train until it
 * holds its share of the rows, then val, then test. A row without a group value is an `InputError`.
 */
export function groupedSplit<Row extends object>(rowObjects: readonly Row[], options: GroupedSplitOptions = {}): DatasetSplit {
  const rows = rowObjects as readonly Readonly<Record<string, unknown>>[];
  const by = options.by ?? "source_id";
  const order = options.order ?? "random";
  const timeColumn = options.timeColumn ?? "source_origin_time";
  const [fTrain, fVal] = fractionsOf(options, "groupedSplit");
  const groups = new Map<string, number[]>();
  rows.forEach((row, i) => {
    const g = row[by];
    if (g === undefined || g === null || g === "") throw new InputError("groupedSplit", `row ${i} has no value in column "${by}"`);
    const key = String(g);
    let list = groups.get(key);
    if (!list) groups.set(key, (list = []));
    list.push(i);
  });
  let keys = [...groups.keys()].sort();
  if (order === "random") {
    assertSeed(options.seed, "groupedSplit");
    keys = new Rng(`${options.seed}:grouped-split`).shuffle(keys);
  } else if (order === "time") {
    const first = new Map<string, number>();
    for (const key of keys) {
      let t = Infinity;
      for (const i of groups.get(key) as number[]) {
        const v = parseUtcMs(rows[i][timeColumn]);
        if (Number.isNaN(v)) throw new InputError("groupedSplit", `row ${i}: "${String(rows[i][timeColumn])}" in column "${timeColumn}" is not a time`);
        t = Math.min(t, v);
      }
      first.set(key, t);
    }
    keys.sort((a, b) => (first.get(a) as number) - (first.get(b) as number) || (a < b ? -1 : a > b ? 1 : 0));
  } else {
    throw new InputError("groupedSplit", `order must be "random" or "time", got "${String(order)}"`);
  }
  const n = rows.length;
  const assignment = new Array<SplitName>(n);
  let filled = 0;
  for (const key of keys) {
    const members = groups.get(key) as number[];
    const name: SplitName = filled < fTrain * n ? "train" : filled < (fTrain + fVal) * n ? "val" : "test";
    for (const i of members) assignment[i] = name;
    filled += members.length;
  }
  return fromAssignment(assignment);
}

/** Parses an ISO time as UTC even without a zone (the D-set's source_origin_time has none); ms or NaN. */
export function parseUtcMs(value: unknown): number {
  if (typeof value !== "string") return NaN;
  const s = value.trim();
  const zoned = /([zZ]|[+-]\d\d:?\d\d)$/.test(s) ? s : `${s}Z`;
  return Date.parse(zoned.replace(" ", "T"));
}

/** Indices (ascending) of the rows recorded at one of `stations` (column `receiver_name` unless `column` is given). */
export function stationIndices<Row extends object>(rows: readonly Row[], stations: readonly string[], column = "receiver_name"): Int32Array {
  const wanted = new Set(stations);
  return Int32Array.from(rows.flatMap((row, i) => (wanted.has(String((row as Record<string, unknown>)[column])) ? [i] : [])));
}

/** Row indices of a train/test split. */
export interface TrainTestSplit {
  readonly trainIndex: Int32Array;
  readonly testIndex: Int32Array;
}

/** Options of `trainTestSplit` and `groupedTrainTestSplit`. */
export interface TrainTestSplitOptions {
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
export function trainTestSplit(nRows: number, options: TrainTestSplitOptions): TrainTestSplit {
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
export function groupedTrainTestSplit(groups: readonly string[], options: TrainTestSplitOptions): TrainTestSplit {
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
