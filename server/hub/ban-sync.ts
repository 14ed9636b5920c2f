/**
 * Native ban sync for the SRCDS family (CS:GO, TF2, Garry's Mod, CS2): the game's own filter lists
 * hold RconDeck's permanent SteamID and IPv4 bans (`banid 0` / `addip 0`, then `writeid` /
 * `writeip`), so a banned player is refused by the engine even while RconDeck is down. Each pass
 * verifies by re-listing (`listid` / `listip`) and records a BanSync row per ban: applied (seen in
 * the list), join_only (timed bans, which SRCDS keeps only in memory and loses at a restart, and
 * bans with no SteamID or IPv4, and bans past `nativeCap` entries: kick on join enforces them), failed (with the error; retried after
 * RETRY_AFTER_MS), removed (revoked, expired or out of scope, and gone from the list).
 *
 * The central ban is the truth: nothing here changes a Ban row, so a game server that is down,
 * slow or answering nonsense only leaves sync rows pending or failed. Passes run at most every
 * `everyMs` per server, one at a time, `batch` bans each way per pass, off the hub's hot path.
 */
import { formatAddress, parseAddress, normaliseSteamId } from "../../lib/bans/identifiers.ts";
import {
  appliedBanCount,
  bansToApply,
  bansToLift,
  noteBanSyncError,
  recordBanSync,
  type SyncCandidate,
} from "../data/ban-sync.ts";
import type { Db } from "../db/client.ts";
import type { BanEntry, Dialect, IdentityKind, Logger, RunCommand } from "../rcon/types.ts";

/** Dialects whose ban operations are SRCDS's filter lists (server/rcon/protocol/source/dialects/srcds.ts). */
const SRCDS_DIALECTS: ReadonlySet<string> = new Set(["csgo", "tf2", "gmod", "cs2"]);
const STEAM64_BASE = 76561197960265728n;
const RETRY_AFTER_MS = 5 * 60_000;

export interface NativeBanSyncOptions {
  db: Db;
  logger: Logger;
  now?: () => number;
  /** Minimum time between two passes on one server (default one minute). */
  everyMs?: number;
  /** Bans applied and lifted per pass (default 50 each). */
  batch?: number;
  /**
   * Native entries per server at most (default 5,000): large engine lists lag SRCDS (Garry's Mod
   * servers stutter past a few thousand); bans beyond it are enforced on join only.
   */
  nativeCap?: number;
}

export interface SyncSummary {
  applied: number;
  joinOnly: number;
  failed: number;
  removed: number;
}

interface NativeIdentity {
  kind: IdentityKind;
  value: string;
}

/** The identities of a ban SRCDS can hold: SteamIDs as [U:1:n], IPv4 addresses. */
function nativeIdentities(ban: SyncCandidate): NativeIdentity[] {
  const out: NativeIdentity[] = [];
  for (const identifier of ban.identifiers) {
    if (identifier.kind === "steam")
      out.push({ kind: "steamid", value: `[U:1:${(BigInt(identifier.value) - STEAM64_BASE).toString()}]` });
    else if (identifier.kind === "ip" && !identifier.value.includes(":"))
      out.push({ kind: "ip", value: identifier.value });
  }
  return out;
}

/** A listed entry in central form, to compare with what was written. */
function keyOf(kind: IdentityKind, value: string): string | null {
  if (kind === "steamid") return normaliseSteamId(value) && `steam ${normaliseSteamId(value)}`;
  if (kind === "ip") {
    const address = parseAddress(value);
    return address && `ip ${formatAddress(address)}`;
  }
  return null;
}

function listedKeys(entries: readonly BanEntry[]): Set<string> {
  const keys = new Set<string>();
  for (const entry of entries) {
    const key = keyOf(entry.kind, entry.value);
    if (key) keys.add(key);
  }
  return keys;
}

function errorText(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 300);
}

export class NativeBanSync {
  private readonly running = new Set<string>();
  private readonly lastRun = new Map<string, number>();
  private readonly now: () => number;

  constructor(private readonly options: NativeBanSyncOptions) {
    this.now = options.now ?? Date.now;
  }

  supports(dialect: Dialect): boolean {
    return SRCDS_DIALECTS.has(dialect.id);
  }

  /** Bans changed: the next chance runs a pass on these servers (all when omitted). */
  soon(serverIds?: readonly string[]): void {
    if (serverIds === undefined) this.lastRun.clear();
    else for (const id of serverIds) this.lastRun.delete(id);
  }

  /** Starts a pass in the background when one is due; never throws, never blocks the caller. */
  maybeRun(serverId: string, dialect: Dialect, run: RunCommand): void {
    if (!this.supports(dialect) || this.running.has(serverId)) return;
    const last = this.lastRun.get(serverId);
    if (last !== undefined && this.now() - last < (this.options.everyMs ?? 60_000)) return;
    this.lastRun.set(serverId, this.now());
    this.running.add(serverId);
    void this.syncOnce(serverId, dialect, run)
      .catch((error: unknown) =>
        this.options.logger.warn("native ban sync failed", { serverId, error: errorText(error) }),
      )
      .finally(() => this.running.delete(serverId));
  }

  async syncOnce(serverId: string, dialect: Dialect, run: RunCommand): Promise<SyncSummary> {
    const { db } = this.options;
    const summary: SyncSummary = { applied: 0, joinOnly: 0, failed: 0, removed: 0 };
    const batch = this.options.batch ?? 50;
    const now = new Date(this.now());
    const ops = dialect.operations;

    // Apply: permanent bans with an identity the game can hold.
    const toApply = await bansToApply(db, serverId, now, new Date(now.getTime() - RETRY_AFTER_MS), batch);
    const written: { ban: SyncCandidate; identities: NativeIdentity[]; error: string | null }[] = [];
    let room =
      toApply.length > 0 ? (this.options.nativeCap ?? 5_000) - (await appliedBanCount(db, serverId)) : 0;
    for (const ban of toApply) {
      const identities = nativeIdentities(ban);
      if (ban.expiresAt !== null || identities.length === 0 || room <= 0) {
        await recordBanSync(db, ban.banId, serverId, "join_only", now);
        summary.joinOnly++;
        continue;
      }
      room--;
      let error: string | null = null;
      for (const identity of identities) {
        // SRCDS stores no reason for banid/addip; the central reason stays central.
        await ops
          .ban(run, { target: identity, minutes: null, reason: "RconDeck" })
          .catch((e: unknown) => (error ??= errorText(e)));
      }
      written.push({ ban, identities, error });
    }
    if (written.length > 0) {
      let listed: Set<string> | null = null;
      let listError: string | null = null;
      try {
        listed = listedKeys(await ops.listBans(run));
      } catch (error) {
        listError = errorText(error);
      }
      for (const { ban, identities, error } of written) {
        const missing =
          listed === null ? [] : identities.filter((i) => !listed.has(keyOf(i.kind, i.value) ?? ""));
        const problem =
          error ??
          listError ??
          (missing.length > 0
            ? `not in the game's ban list after the ban: ${missing.map((m) => m.kind).join(", ")}`
            : null);
        await recordBanSync(db, ban.banId, serverId, problem ? "failed" : "applied", now, problem);
        if (problem) summary.failed++;
        else summary.applied++;
      }
    }

    // Lift: what the game holds but should not any more.
    const toLift = await bansToLift(db, serverId, now, batch);
    if (toLift.length > 0) {
      const errors = new Map<string, string>();
      for (const ban of toLift) {
        for (const identity of nativeIdentities(ban)) {
          await ops.unban(run, identity).catch((e: unknown) => errors.set(ban.banId, errorText(e)));
        }
      }
      let listed: Set<string> | null = null;
      try {
        listed = listedKeys(await ops.listBans(run));
      } catch (error) {
        for (const ban of toLift) if (!errors.has(ban.banId)) errors.set(ban.banId, errorText(error));
      }
      for (const ban of toLift) {
        const still =
          listed !== null && nativeIdentities(ban).some((i) => listed.has(keyOf(i.kind, i.value) ?? ""));
        const problem =
          errors.get(ban.banId) ?? (still ? "still in the game's ban list after the unban" : null);
        if (problem) {
          await noteBanSyncError(db, ban.banId, serverId, problem);
          summary.failed++;
        } else {
          await recordBanSync(db, ban.banId, serverId, "removed", now);
          summary.removed++;
        }
      }
    }
    if (summary.applied + summary.failed + summary.removed > 0)
      this.options.logger.info("native ban sync", { serverId, ...summary });
    return summary;
  }
}
