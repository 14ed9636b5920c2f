/**
 * Kick on join: every player the hub sees arrive (pushed connect or polling diff, and everyone
 * present when RconDeck connects) is checked against the central bans active at `now()` for that
 * server; a banned player is kicked with the ban's message (the AppSetting template) through the
 * dialect's kick, which escapes or refuses what the game cannot carry. Expiry and revocation are
 * evaluated at the check itself, never by a sweep.
 *
 * Nothing here is awaited on the hub's hot path: the hub hands over its player list after each
 * poll, and only players who are new or show new identities (a BattlEye GUID arrives after the
 * connect) are looked up: in batches of up to BATCH players, one query for the whole batch's
 * identifiers, and two more only for a player one of whose identifiers some ban names. A failed
 * lookup or kick is retried at the next poll, and a kicked player the game still lists 30 s later
 * is kicked again. Each kick is audited as a system action ("ban.enforce", no actor), stored
 * "pending" before the kick is sent and completed after.
 */
import { renderBanMessage } from "../../lib/bans/duration.ts";
import { lookupKeys } from "../../lib/bans/identifiers.ts";
import { completeAudit, recordAudit } from "../data/audit.ts";
import { getBanSettings } from "../data/ban-settings.ts";
import { bannedKeys, findActiveBansFor, identifierKey, type ActiveBan } from "../data/bans.ts";
import type { Db } from "../db/client.ts";
import type { Logger, Player } from "../rcon/types.ts";

export interface BanEnforcerOptions {
  db: Db;
  logger: Logger;
  /** The clock bans are judged by (tests pass their own). */
  now?: () => number;
  /** How long new players are gathered before one lookup checks them all (GATHER_MS). */
  gatherMs?: number;
}

/** What the hub lends the enforcer for one server. */
export interface EnforcementActions {
  kick(playerId: string, message: string): Promise<unknown>;
  line(text: string): void;
}

/** Sent when the template's message is refused by the game (too long, a character it cannot carry). */
const FALLBACK_MESSAGE = "Banned";
/** Players per lookup: 500 servers coming online bring tens of thousands of players at once. */
const BATCH = 100;
/** Batches in flight at once. */
const MAX_IN_FLIGHT = 2;
/**
 * New players are gathered this long before their lookup. After one turn of the event loop instead,
 * the servers polled in that turn shared a lookup: 41 lookups a second at 1,000 bench servers, each a
 * Prisma operation (and its allocations) for a handful of players. A kick on join comes this much
 * later, next to the 2 s between polls that found the player.
 */
export const GATHER_MS = 200;
/** A kicked player still listed after this long is checked (and kicked) again. */
const REKICK_AFTER_MS = 30_000;

interface Check {
  serverId: string;
  player: Player;
  entry: Seen;
  actions: EnforcementActions;
}

/** The identities a player was last checked with (compared field by field: no string per player per poll). */
interface Seen {
  guid: string | null;
  steamId: string | null;
  address: string | null;
  plainName: string;
  /** When a kick was last sent for this player, or null. */
  kickedAt: number | null;
  /** The onPlayers call that last listed the player (the others are gone). */
  listed: number;
}

export class BanEnforcer {
  /** Per server: player id -> the identities last checked. */
  private readonly seen = new Map<string, Map<string, Seen>>();
  private readonly queue: Check[] = [];
  private inFlight = 0;
  private drainSoon = false;
  private calls = 0;
  readonly now: () => number;
  private readonly gatherMs: number;

  constructor(private readonly options: BanEnforcerOptions) {
    this.now = options.now ?? Date.now;
    this.gatherMs = options.gatherMs ?? GATHER_MS;
  }

  /** The server's current players: new ones, and ones with new identities, are checked. */
  onPlayers(serverId: string, players: readonly Player[], actions: EnforcementActions): void {
    let seen = this.seen.get(serverId);
    if (!seen) this.seen.set(serverId, (seen = new Map<string, Seen>()));
    // Every server polled every 2 s hands over its whole list: nothing is allocated for a player
    // whose identities are unchanged.
    const listed = ++this.calls;
    for (const player of players) {
      const known = seen.get(player.id);
      if (player.isBot) {
        if (known) known.listed = listed;
        continue;
      }
      if (
        known !== undefined &&
        known.guid === player.guid &&
        known.steamId === player.steamId &&
        known.address === player.address &&
        known.plainName === player.plainName &&
        (known.kickedAt === null || this.now() - known.kickedAt < REKICK_AFTER_MS)
      ) {
        known.listed = listed;
        continue;
      }
      const entry: Seen = {
        guid: player.guid,
        steamId: player.steamId,
        address: player.address,
        plainName: player.plainName,
        kickedAt: null,
        listed,
      };
      seen.set(player.id, entry);
      this.queue.push({ serverId, player, entry, actions });
    }
    for (const [id, entry] of seen) if (entry.listed !== listed) seen.delete(id);
    // After the gather: the lists of every server polled meanwhile share the lookups (GATHER_MS).
    if (this.queue.length === 0 || this.drainSoon) return;
    this.drainSoon = true;
    setTimeout(() => {
      this.drainSoon = false;
      this.drain();
    }, this.gatherMs).unref();
  }

  /** Forget what was checked (server offline, or bans changed): the next list is checked in full. */
  reset(serverId?: string): void {
    if (serverId === undefined) this.seen.clear();
    else this.seen.delete(serverId);
  }

  private drain(): void {
    while (this.inFlight < MAX_IN_FLIGHT && this.queue.length > 0) {
      const batch = this.queue.splice(0, BATCH);
      this.inFlight++;
      void this.checkBatch(batch).finally(() => {
        this.inFlight--;
        this.drain();
      });
    }
  }

  /** One lookup for the batch; the players some ban names are checked in full. */
  private async checkBatch(batch: Check[]): Promise<void> {
    const keyed = batch.map((check) => ({
      check,
      keys: lookupKeys({
        guid: check.player.guid,
        steamId: check.player.steamId,
        address: check.player.address,
        name: check.player.plainName,
      }),
    }));
    let named: Set<string>;
    try {
      named = await bannedKeys(
        this.options.db,
        keyed.flatMap((k) => k.keys),
      );
    } catch (error) {
      this.options.logger.warn("ban check failed", { error: String(error).slice(0, 200) });
      for (const check of batch) this.retryLater(check.serverId, check.player.id, check.entry);
      return;
    }
    await Promise.all(
      keyed
        .filter(({ keys }) => keys.some((key) => named.has(identifierKey(key))))
        .map(({ check, keys }) => this.check(check, keys)),
    );
  }

  private retryLater(serverId: string, playerId: string, entry: Seen): void {
    const seen = this.seen.get(serverId);
    if (seen?.get(playerId) === entry) seen.delete(playerId);
  }

  private async check(
    { serverId, player, entry, actions }: Check,
    keys: ReturnType<typeof lookupKeys>,
  ): Promise<void> {
    const { db, logger } = this.options;
    let bans: ActiveBan[];
    const now = this.now();
    try {
      bans = await findActiveBansFor(db, serverId, keys, new Date(now));
    } catch (error) {
      logger.warn("ban check failed", { serverId, error: String(error).slice(0, 200) });
      return this.retryLater(serverId, player.id, entry);
    }
    const ban = bans[0];
    if (!ban) return;
    let message = FALLBACK_MESSAGE;
    try {
      message = renderBanMessage((await getBanSettings(db)).kickTemplate, ban, now);
    } catch (error) {
      logger.warn("ban settings unreadable", { error: String(error).slice(0, 200) });
    }
    // Audited before the kick (as every action that reaches a game server): no record, no kick.
    let pending;
    try {
      pending = await recordAudit(db, {
        actor: null,
        action: "ban.enforce",
        targetType: "ban",
        targetId: ban.id,
        serverId,
        input: { player: player.plainName, matched: ban.matched },
        outcome: "pending",
      });
    } catch (error) {
      logger.warn("ban enforcement audit failed", { serverId, error: String(error).slice(0, 200) });
      return this.retryLater(serverId, player.id, entry);
    }
    entry.kickedAt = this.now();
    let outcome: "success" | "failure" = "success";
    let detail: string | null = null;
    try {
      await actions.kick(player.id, message).catch(() => actions.kick(player.id, FALLBACK_MESSAGE));
      actions.line(`RconDeck kicked ${player.name}: banned (${ban.reason})`);
    } catch (error) {
      outcome = "failure";
      detail = String(error instanceof Error ? error.message : error).slice(0, 300);
      actions.line(`RconDeck could not kick ${player.name}, who is banned: ${detail}`);
      this.retryLater(serverId, player.id, entry);
    }
    await completeAudit(db, pending, outcome, detail).catch((error: unknown) =>
      logger.warn("ban enforcement audit failed", { error: String(error).slice(0, 200) }),
    );
  }
}
