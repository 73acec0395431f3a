/**
 * A barrier and an all-reduce over shared memory for the threads of data-parallel training
 * (parallel-trainer.ts): each thread writes its per-channel partial sums into its own slot, waits for the
 * others, then adds the slots in thread order, so every thread gets the same bytes whatever the timing.
 * Blocking (Atomics.wait) is allowed in worker threads, and the batch-norm kernels that call it are
 * synchronous, so the statistics are exchanged in the middle of a tf.js op.
 *
 * Consecutive exchanges alternate between two sets of slots, so one barrier per exchange suffices: a
 * thread writes exchange k + 2 into the set of exchange k only after the barrier of exchange k + 1, which
 * every thread reaches after it has read exchange k.
 *
 * Layout of the SharedArrayBuffer: 4 int32 control words (generation, arrivals, abort flag, spare), then
 * two sets of `maxThreads` slots of `slotLength` float64.
 */

const GENERATION = 0;
const ARRIVED = 1;
const ABORT = 2;
const CONTROL_BYTES = 16;

/**
 * Values a slot holds for `maxThreads` threads: the largest vector the CNN2D's batch norms exchange, each
 * thread's (count, 128 means, 128 squared deviations) in its own section (batch-norm-block.ts).
 */
export function reducerSlotLength(maxThreads: number): number {
  return Math.max(512, maxThreads * (2 * 128 + 1));
}

/** Bytes of the shared buffer for `maxThreads` threads. */
export function sharedReducerBytes(maxThreads: number, slotLength: number = reducerSlotLength(maxThreads)): number {
  return CONTROL_BYTES + 2 * 8 * maxThreads * slotLength;
}

/** One thread's handle on a shared reducer (see the file comment). */
export class SharedReducer {
  /** Threads taking part in the current step (at most the buffer's maxThreads). */
  participants: number;
  private readonly control: Int32Array;
  private readonly slots: Float64Array;
  /** Exchanges this thread has taken part in: their parity picks the set of slots. */
  private exchanges = 0;
  private readonly setLength: number;

  constructor(
    buffer: SharedArrayBuffer,
    /** This thread's index, 0-based; its slot. */
    readonly rank: number,
    participants: number,
    private readonly slotLength: number = reducerSlotLength(1),
    /** How long a thread waits for the others before it gives up, in ms (a dead peer must not hang it). */
    private readonly timeoutMs: number = 120_000,
  ) {
    this.control = new Int32Array(buffer, 0, 4);
    this.slots = new Float64Array(buffer, CONTROL_BYTES);
    this.participants = participants;
    this.setLength = Math.floor(this.slots.length / 2);
    if (rank < 0 || (rank + 1) * slotLength > this.setLength) throw new Error(`SharedReducer: rank ${rank} has no slot in a buffer of ${Math.floor(this.setLength / slotLength)} slots`);
  }

  /** Threads taking part in the current step (the batch norms' name for `participants`). */
  get threads(): number {
    return this.participants;
  }

  /** Replaces `values` by the sum over the participants of their `values`, added in rank order. */
  allReduce(values: Float64Array): void {
    if (values.length > this.slotLength) throw new Error(`SharedReducer: ${values.length} values exceed a slot of ${this.slotLength}`);
    if (this.participants === 1) return;
    const set = (this.exchanges++ & 1) * this.setLength;
    this.slots.set(values, set + this.rank * this.slotLength);
    this.barrier();
    values.fill(0);
    for (let r = 0; r < this.participants; r++) {
      const base = set + r * this.slotLength;
      for (let i = 0; i < values.length; i++) values[i] += this.slots[base + i];
    }
  }

  /** Waits until every participant has arrived. Throws when a peer aborted or the wait timed out. */
  barrier(): void {
    const c = this.control;
    const generation = Atomics.load(c, GENERATION);
    if (Atomics.add(c, ARRIVED, 1) + 1 === this.participants) {
      Atomics.store(c, ARRIVED, 0);
      Atomics.add(c, GENERATION, 1);
      Atomics.notify(c, GENERATION);
      return;
    }
    const deadline = Date.now() + this.timeoutMs;
    while (Atomics.load(c, GENERATION) === generation) {
      if (Atomics.load(c, ABORT) !== 0) throw new Error("SharedReducer: another training thread failed");
      if (Date.now() > deadline) throw new Error(`SharedReducer: the other training threads did not arrive within ${this.timeoutMs} ms`);
      Atomics.wait(c, GENERATION, generation, 100);
    }
  }

  /** Makes every thread waiting (now or later) on this buffer throw instead. */
  abort(): void {
    Atomics.store(this.control, ABORT, 1);
    Atomics.notify(this.control, GENERATION);
  }
}

/** Sets the abort flag of a reducer buffer from a thread that holds no reducer (the coordinating thread). */
export function abortSharedReducer(buffer: SharedArrayBuffer): void {
  const c = new Int32Array(buffer, 0, 4);
  Atomics.store(c, ABORT, 1);
  Atomics.notify(c, GENERATION);
}
