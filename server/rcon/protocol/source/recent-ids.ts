/**
 * The client's "ignored" request ids (client.ts): each with a flag, the oldest forgotten once
 * `limit` are held. A Map used this way (one id in and the oldest out per command) cost V8 about a
 * microsecond per operation at 4,096 entries: its tables keep deleted entries until they are
 * rebuilt, and a table that size is rebuilt as a large object, again and again. Here: an open
 * addressing table (linear probing, deletion by backward shift, so no tombstones) in typed arrays,
 * and the insertion order in a ring. Both grow by doubling up to what `limit` needs, so an idle
 * connection holds a few hundred bytes.
 */
const INITIAL_SLOTS = 64;
const EMPTY = 0;
const FALSE = 1;
const TRUE = 2;

/** Fibonacci hashing: consecutive ids (as allocated) land far apart instead of in one long run. */
function home(id: number, mask: number): number {
  return (Math.imul(id, 0x9e3779b1) >>> 0) & mask;
}

export class RecentIds {
  private keys: Int32Array;
  /** EMPTY, or the flag of the id in `keys` at the same index. */
  private states: Uint8Array;
  private mask: number;
  private count = 0;
  /** Insertion order; once `limit` ids are held, `order[next]` is the oldest. */
  private order: Int32Array;
  private next = 0;

  constructor(private readonly limit: number) {
    this.keys = new Int32Array(INITIAL_SLOTS);
    this.states = new Uint8Array(INITIAL_SLOTS);
    this.mask = INITIAL_SLOTS - 1;
    this.order = new Int32Array(Math.min(limit, INITIAL_SLOTS / 2));
  }

  get size(): number {
    return this.count;
  }

  has(id: number): boolean {
    return this.states[this.slot(id)] !== EMPTY;
  }

  get(id: number): boolean | undefined {
    const state = this.states[this.slot(id)];
    return state === EMPTY ? undefined : state === TRUE;
  }

  /** Remembers `id` (an id already held keeps its place and takes the new flag). */
  set(id: number, flag: boolean): void {
    let index = this.slot(id);
    if (this.states[index] !== EMPTY) {
      this.states[index] = flag ? TRUE : FALSE;
      return;
    }
    if (this.count === this.limit) {
      this.remove(this.order[this.next] as number);
      index = this.slot(id);
    } else {
      this.count++;
      if (this.count * 2 > this.keys.length) {
        this.grow();
        index = this.slot(id);
      }
      if (this.next === this.order.length)
        this.order = copyInto(this.order, Math.min(this.limit, this.next * 2));
    }
    this.keys[index] = id;
    this.states[index] = flag ? TRUE : FALSE;
    this.order[this.next] = id;
    this.next = this.next + 1 === this.limit ? 0 : this.next + 1;
  }

  /** The index holding `id`, or the empty one where it would go. */
  private slot(id: number): number {
    const { keys, states, mask } = this;
    let index = home(id, mask);
    // The table is never more than half full, so an empty slot ends every probe; the bound turns a
    // broken invariant into an error instead of a hung process.
    for (let probes = 0; states[index] !== EMPTY && keys[index] !== id; probes++) {
      if (probes > mask) throw new Error("RecentIds: the table has no empty slot");
      index = (index + 1) & mask;
    }
    return index;
  }

  private remove(id: number): void {
    const { keys, states, mask } = this;
    let hole = this.slot(id);
    if (states[hole] === EMPTY) return;
    // Backward shift: later entries of the probe run move into the hole unless their home lies
    // after it (cyclically), so every lookup still reaches its id before an empty slot.
    for (let index = (hole + 1) & mask; states[index] !== EMPTY; index = (index + 1) & mask) {
      const wanted = home(keys[index] as number, mask);
      const stays = hole <= index ? hole < wanted && wanted <= index : hole < wanted || wanted <= index;
      if (stays) continue;
      keys[hole] = keys[index] as number;
      states[hole] = states[index] as number;
      hole = index;
    }
    states[hole] = EMPTY;
  }

  private grow(): void {
    const { keys, states } = this;
    this.keys = new Int32Array(keys.length * 2);
    this.states = new Uint8Array(keys.length * 2);
    this.mask = keys.length * 2 - 1;
    for (let i = 0; i < keys.length; i++) {
      if (states[i] === EMPTY) continue;
      const index = this.slot(keys[i] as number);
      this.keys[index] = keys[i] as number;
      this.states[index] = states[i] as number;
    }
  }
}

function copyInto(from: Int32Array, length: number): Int32Array {
  const to = new Int32Array(length);
  to.set(from);
  return to;
}
