/**
 * What a server's log stream already announced, so that polling and pushes do not announce it
 * again (and the other way round). Pure bookkeeping with time passed in; bounded (oldest entries
 * go first) and short-lived, so a flood or a player who never shows in a poll cannot grow it.
 *
 * - joins and leaves by player id: the log announces "Ann joined", the next poll that sees Ann
 *   opens her stay without a second line (and a leave likewise);
 * - chat by sender and text from one source ("log" or "rcon"): the same line arriving from the
 *   other source within a few seconds is the game pushing it twice, not the player repeating it.
 */
export type ChatSource = "log" | "rcon";

const MAX_ENTRIES = 512;
const PLAYER_TTL_MS = 10 * 60_000;
const CHAT_TTL_MS = 10_000;

class ExpiringMap<V> {
  private readonly entries = new Map<string, { value: V; at: number }>();
  constructor(private readonly ttlMs: number) {}

  get(key: string, now: number): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (now - entry.at <= this.ttlMs) return entry.value;
    this.entries.delete(key);
    return undefined;
  }

  set(key: string, value: V, now: number): void {
    this.entries.delete(key); // re-inserted last: insertion order is age order
    this.entries.set(key, { value, at: now });
    // Expired entries go too, not only past MAX_ENTRIES: a chat line a second would otherwise keep
    // 512 keys (and the pushed messages they were cut from) per server long after their TTL.
    for (const [oldest, entry] of this.entries) {
      if (this.entries.size <= MAX_ENTRIES && now - entry.at <= this.ttlMs) break;
      this.entries.delete(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  take(key: string, now: number): boolean {
    const had = this.get(key, now) !== undefined;
    this.entries.delete(key);
    return had;
  }

  clear(): void {
    this.entries.clear();
  }
}

export class SeenEvents {
  private readonly joins = new ExpiringMap<true>(PLAYER_TTL_MS);
  private readonly leaves = new ExpiringMap<true>(PLAYER_TTL_MS);
  private readonly chats = new ExpiringMap<ChatSource>(CHAT_TTL_MS);

  /** The log announced this player's join. */
  joined(playerId: string, now: number): void {
    this.joins.set(playerId, true, now);
  }

  hasJoined(playerId: string, now: number): boolean {
    return this.joins.get(playerId, now) !== undefined;
  }

  /** True (once) when the log already announced this join: the poll stays silent about it. */
  takeJoin(playerId: string, now: number): boolean {
    return this.joins.take(playerId, now);
  }

  left(playerId: string, now: number): void {
    this.leaves.set(playerId, true, now);
  }

  hasLeft(playerId: string, now: number): boolean {
    return this.leaves.get(playerId, now) !== undefined;
  }

  takeLeave(playerId: string, now: number): boolean {
    return this.leaves.take(playerId, now);
  }

  /** False when the other source just delivered the same line (it is then forgotten: one match cancels one). */
  chatOnce(from: string, text: string, source: ChatSource, now: number): boolean {
    const key = `${from}\u0000${text}`;
    const seenFrom = this.chats.get(key, now);
    if (seenFrom !== undefined && seenFrom !== source) {
      this.chats.take(key, now);
      return false;
    }
    this.chats.set(key, source, now);
    return true;
  }

  /** Entries held (joins, leaves, chats), for tests of the bound. */
  get size(): number {
    return this.joins.size + this.leaves.size + this.chats.size;
  }

  clear(): void {
    this.joins.clear();
    this.leaves.clear();
    this.chats.clear();
  }
}
