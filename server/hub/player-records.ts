/**
 * The hub's side of player records: every stay it opens is linked to a player (after the stay row
 * exists, in the hub's serial write queue), the record's badge is kept on the tracked player for
 * the live table, identities learned later are linked too, and a player on the watch list raises
 * one notice per stay (a "watch" console line and a hub event the bridge sends as players:watch).
 * A player already on the server when RconDeck connects counts as joining then, once.
 */
import type { PlayerRecordBadge, WatchNoticeMessage } from "../../lib/realtime/contract.ts";
import { sameBadge } from "../../lib/realtime/player-delta.ts";
import { linkLateIdentitiesOfStays } from "../data/players/late-links.ts";
import {
  badgesFor,
  currentPlayersOfStays,
  linkStays,
  type StayFields,
  type StayGame,
} from "../data/players/linking.ts";
import type { Db } from "../db/client.ts";
import type { Dialect, Logger, Player } from "../rcon/types.ts";

/** What the hub keeps per tracked player. */
export interface StayRecord {
  /** The record, once linked (null before, for bots, and when linking failed). */
  badge: PlayerRecordBadge | null;
  /** The first link attempt is over (recordOf waits for it: whenSettled). */
  settled: boolean;
  /**
   * Who waits for the first link attempt, created only when someone asks: a promise and its
   * resolver per tracked player were about 150 bytes each, for 64,000 players at 1,000 servers.
   */
  waiters: (() => void)[] | null;
  /** The watch notice of this stay was given. */
  noticed: boolean;
  /**
   * What the stay showed when it was last linked (null: not linked yet). The open is linked after
   * its batch is gathered, with what the player shows by then: a BattlEye GUID verified a moment
   * after the connect is usually in it, and the late link it asked for would find nothing new.
   */
  linkedWith: StayFields | null;
}

export function newStayRecord(): StayRecord {
  return { badge: null, settled: false, waiters: null, noticed: false, linkedWith: null };
}

/** Resolves when the stay's first link attempt is over (at once if it is). */
export function whenSettled(record: StayRecord): Promise<void> {
  if (record.settled) return Promise.resolve();
  return new Promise((resolve) => (record.waiters ??= []).push(resolve));
}

function settle(record: StayRecord): void {
  record.settled = true;
  const waiters = record.waiters;
  record.waiters = null;
  if (waiters) for (const wake of waiters) wake();
}

function fieldsOf(player: Player): StayFields {
  const { name, plainName, guid, steamId, address } = player;
  return { name, plainName, guid, steamId, address };
}

function sameFields(a: StayFields | null, b: StayFields): boolean {
  return (
    a !== null &&
    a.name === b.name &&
    a.plainName === b.plainName &&
    a.guid === b.guid &&
    a.steamId === b.steamId &&
    a.address === b.address
  );
}

/** The game as linking sees it: whether its player list shows account ids is dialect data. */
export function stayGameOf(dialect: Pick<Dialect, "id" | "family" | "capabilities">): StayGame {
  return { id: dialect.id, family: dialect.family, accounts: dialect.capabilities.listsAccounts === true };
}

/** One stay the hub knows, as these functions need it. */
export interface LiveStay {
  serverId: string;
  player: Player;
  record: StayRecord;
  /** Still on the server (a stay that ended meanwhile gets no notice). */
  current(): boolean;
}

export interface RecordHost {
  db: Db;
  logger: Logger;
  /** A console line of this server (the hub assigns its seq and emits it). */
  line(serverId: string, kind: "watch", text: string): void;
  watch(notice: WatchNoticeMessage): void;
  /** The server's player list changed (badges arrived). */
  players(serverId: string): void;
}

export function watchLine(name: string, reason: string): string {
  return `${name} joined — on the watch list: ${reason}`;
}

interface LateLink {
  stay: LiveStay;
  stayId: string;
  game: StayGame;
  fields: StayFields;
  done: () => void;
}

export class PlayerRecords {
  private readonly late: LateLink[] = [];

  constructor(
    private readonly host: RecordHost,
    // eslint-disable-next-line no-restricted-syntax -- default for tests of the records alone; the hub passes its clock
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Links freshly stored stays (null ids: the stay could not be stored) and applies the badges. */
  async linkOpened(
    stays: readonly { stay: LiveStay; stayId: string | null; game: StayGame; joinedAt: Date }[],
  ): Promise<void> {
    const stored = stays.filter((s): s is typeof s & { stayId: string } => s.stayId !== null);
    // What each stay shows now: the player may learn a GUID while the link is on its way, and that
    // one must still be linked late.
    const shown = stored.map((s) => fieldsOf(s.stay.player));
    try {
      const results =
        stored.length === 0
          ? []
          : await linkStays(
              this.host.db,
              stored.map((s, i) => ({
                ...shown[i]!,
                isBot: s.stay.player.isBot,
                stayId: s.stayId,
                serverId: s.stay.serverId,
                game: s.game,
                joinedAt: s.joinedAt,
              })),
              this.now(),
            );
      const changed = new Set<string>();
      stored.forEach((s, i) => {
        s.stay.record.linkedWith = shown[i]!;
        if (this.apply(s.stay, results[i]?.badge ?? null)) changed.add(s.stay.serverId);
      });
      this.emit(changed);
    } catch (error) {
      this.host.logger.warn("player record linking failed", {
        stays: stored.length,
        error: String(error).slice(0, 200),
      });
    } finally {
      for (const s of stays) settle(s.stay.record);
    }
  }

  /**
   * Identities learned during a stay (a GUID after the connect, a rename). The links asked for in
   * one go (the hub's stay writer runs a batch's together) share one transaction.
   */
  linkLate(stay: LiveStay, stayId: string, game: StayGame): Promise<void> {
    const fields = fieldsOf(stay.player);
    if (sameFields(stay.record.linkedWith, fields)) return Promise.resolve();
    return new Promise((done) => {
      this.late.push({ stay, stayId, game, fields, done });
      if (this.late.length === 1) queueMicrotask(() => void this.linkLateBatch(this.late.splice(0)));
    });
  }

  private async linkLateBatch(batch: readonly LateLink[]): Promise<void> {
    try {
      const results = await linkLateIdentitiesOfStays(
        this.host.db,
        batch.map((l) => ({
          stayId: l.stayId,
          fields: { ...l.fields, isBot: l.stay.player.isBot, game: l.game },
        })),
        this.now(),
      );
      const changed = new Set<string>();
      batch.forEach((l, i) => {
        l.stay.record.linkedWith = l.fields;
        if (this.apply(l.stay, results[i]?.badge ?? l.stay.record.badge)) changed.add(l.stay.serverId);
      });
      this.emit(changed);
    } catch (error) {
      if (batch.length > 1) {
        // One stay that cannot be linked must not keep the others from their records.
        for (const l of batch) await this.linkLateBatch([l]);
        return;
      }
      this.host.logger.warn("player record linking failed", { error: String(error).slice(0, 200) });
    } finally {
      for (const l of batch) l.done();
    }
  }

  /**
   * Re-reads the records of these stays (a note, flag, merge or split changed them): the stay's
   * player is read again, so a merge or split moves the badge too. No watch notice: nobody joined.
   */
  async refresh(stays: readonly { stay: LiveStay; stayId: string }[]): Promise<void> {
    if (stays.length === 0) return;
    const players = await currentPlayersOfStays(
      this.host.db,
      stays.map((s) => s.stayId),
    );
    const badges = await badgesFor(
      this.host.db,
      [...players.values()].filter((id): id is string => id !== null),
    );
    const changed = new Set<string>();
    for (const { stay, stayId } of stays) {
      const playerId = players.get(stayId) ?? null;
      const badge = playerId ? (badges.get(playerId) ?? null) : null;
      if (!sameBadge(stay.record.badge, badge)) {
        stay.record.badge = badge;
        if (stay.current()) changed.add(stay.serverId);
      }
    }
    this.emit(changed);
  }

  /** Keeps the badge; the first watched record of a stay still on the server raises the notice. True when the list changed. */
  private apply(stay: LiveStay, badge: PlayerRecordBadge | null): boolean {
    const changed = !sameBadge(stay.record.badge, badge);
    stay.record.badge = badge;
    if (!stay.current()) return false;
    if (badge?.watch && !stay.record.noticed) {
      stay.record.noticed = true;
      const at = this.now().toISOString();
      this.host.line(stay.serverId, "watch", watchLine(stay.player.name, badge.watch));
      this.host.watch({
        serverId: stay.serverId,
        playerId: badge.playerId,
        name: stay.player.name,
        reason: badge.watch,
        at,
      });
    }
    return changed;
  }

  private emit(serverIds: Set<string>): void {
    for (const id of serverIds) this.host.players(id);
  }
}
