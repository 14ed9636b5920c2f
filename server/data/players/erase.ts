/**
 * "Forget me": an Owner erases a player record. Its identities (names and ids) and notes with
 * their revisions go; its stays keep their times but lose the name and identities; sanction
 * reasons are cleared; the record keeps only anonymous counts (stays, seconds played, how many
 * sanctions) and is marked erased; a watch flag goes too (no identity is left that could match). Players merged into it are erased with it (their rows are its
 * rows), and their merge records go, so the erased group cannot be split again.
 *
 * Bans are not touched: they are a separate decision (the ban keeps its identifiers and names so
 * that it still applies). Console history keeps its lines until CONSOLE_RETENTION_DAYS removes
 * them. The audit row names the record and counts, never the erased names.
 */
import { AppError } from "../../../lib/errors.ts";
import { recordAudit } from "../audit.ts";
import type { DataContext } from "../context.ts";
import { playerForAction, requireAnywhere } from "./access.ts";
import { deleteMergeRecords } from "./merge-record.ts";
import { countInChunks } from "../chunks.ts";

export const ERASED_NAME = "Erased player";

export interface ErasePlayerResult {
  playerId: string;
  /** For the person who erased it: what was kept. */
  message: string;
  bansKept: number;
  /** Records whose rows changed (the hub refreshes online players' badges). */
  playerIds: string[];
}

export async function erasePlayer(
  ctx: DataContext,
  playerId: string,
  now = new Date(),
): Promise<ErasePlayerResult> {
  await requireAnywhere(ctx, "players.erase", "player.erase", playerId);
  await playerForAction(ctx, playerId, "players.erase", "player.erase");
  const result = await ctx.db.$transaction(
    async (tx) => {
      const marked = await tx.player.updateMany({
        where: { id: playerId, erasedAt: null, mergedIntoId: null },
        data: {
          lastName: ERASED_NAME,
          lastNameKey: "",
          erasedAt: now,
          watchReason: null,
          watchedAt: null,
          watchedById: null,
          watchedByName: null,
        },
      });
      if (marked.count !== 1)
        throw new AppError("CONFLICT", "That player was already erased or merged meanwhile.");
      const merged = (
        await tx.player.findMany({ where: { mergedIntoId: playerId }, select: { id: true } })
      ).map((p) => p.id);
      const group = [playerId, ...merged];
      if (merged.length > 0)
        await tx.player.updateMany({
          where: { id: { in: merged } },
          data: {
            lastName: ERASED_NAME,
            lastNameKey: "",
            erasedAt: now,
            watchReason: null,
            watchedAt: null,
            watchedById: null,
            watchedByName: null,
          },
        });
      const identities = await tx.playerIdentity.deleteMany({ where: { playerId: { in: group } } });
      const notes = await tx.playerNote.deleteMany({ where: { playerId: { in: group } } });
      const stays = await tx.playerSession.updateMany({
        where: { playerId: { in: group } },
        data: { name: ERASED_NAME, plainName: "", guid: null, steamId: null, address: null },
      });
      const sanctions = await tx.playerSanction.updateMany({
        where: { playerId: { in: group } },
        data: { reason: "" },
      });
      await deleteMergeRecords(tx, merged);
      const bansKept = await countInChunks(group, (ids) =>
        tx.ban.count({ where: { playerId: { in: ids } } }),
      );
      return {
        merged,
        identities: identities.count,
        notes: notes.count,
        stays: stays.count,
        sanctions: sanctions.count,
        bansKept,
      };
    },
    { maxWait: 10_000, timeout: 120_000 },
  );
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action: "player.erase",
    targetType: "player",
    targetId: playerId,
    input: {
      playerId,
      merged: result.merged,
      identities: result.identities,
      notes: result.notes,
      stays: result.stays,
      sanctions: result.sanctions,
      bansKept: result.bansKept,
    },
    outcome: "success",
    sourceIp: ctx.ip,
  });
  const bans =
    result.bansKept === 0
      ? "No ban was made from this player."
      : `${result.bansKept} ban${result.bansKept === 1 ? " was" : "s were"} made from this player and ${result.bansKept === 1 ? "is" : "are"} kept: revoke ${result.bansKept === 1 ? "it" : "them"} on the Bans page if ${result.bansKept === 1 ? "it" : "they"} should go too.`;
  return {
    playerId,
    bansKept: result.bansKept,
    message: `Player erased: names, identities and notes are gone; only anonymous counts remain. ${bans}`,
    playerIds: [playerId, ...result.merged],
  };
}
