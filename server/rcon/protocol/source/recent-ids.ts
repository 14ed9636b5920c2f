/**
 * The client's "ignored" request ids (client.ts): each with a flag, the oldest forgotten once
 * `limit` are held. The order lives in a ring, not in the Map: a Map's oldest key
 * (`keys().next()`) is found by scanning past the entries deleted before it, and with one id in and
 * one out per command that scan ran over thousands of deleted slots on every command.
 */
export class RecentIds {
  private readonly flags = new Map<number, boolean>();
  /** Insertion order: once full, `order[next]` is the oldest id. */
  private readonly order: Int32Array;
  private next = 0;

  constructor(private readonly limit: number) {
    this.order = new Int32Array(limit);
  }

  get size(): number {
    return this.flags.size;
  }

  has(id: number): boolean {
    return this.flags.has(id);
  }

  get(id: number): boolean | undefined {
    return this.flags.get(id);
  }

  /** Remembers `id` (an id already held keeps its place and takes the new flag). */
  set(id: number, flag: boolean): void {
    if (this.flags.has(id)) {
      this.flags.set(id, flag);
      return;
    }
    if (this.flags.size === this.limit) this.flags.delete(this.order[this.next] as number);
    this.flags.set(id, flag);
    this.order[this.next] = id;
    this.next = this.next + 1 === this.limit ? 0 : this.next + 1;
  }
}
