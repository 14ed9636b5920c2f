"use server";

/**
 * Player-record actions (profile page and drawer). Each is thin: the data layer checks the
 * permission on the player's servers and audits; afterwards the hub refreshes the badges of the
 * records' online players (notes count, watch flag) and the profile is revalidated.
 */
import { revalidatePath } from "next/cache";
import { z } from "zod";
import {
  eraseConfirmSchema,
  mergePlayersSchema,
  noteTextSchema,
  playerIdSchema,
  watchReasonSchema,
} from "@/lib/schemas/players";
import { banReasonSchema } from "@/lib/schemas/bans";
import { authedAction } from "@/server/auth/action";
import { banPlayerRecord } from "@/server/data/players/ban";
import { erasePlayer } from "@/server/data/players/erase";
import { mergePlayers, splitPlayer } from "@/server/data/players/merge";
import { addPlayerNote, deletePlayerNote, editPlayerNote } from "@/server/data/players/notes";
import { setPlayerWatch } from "@/server/data/players/watch";
import { getRuntime } from "@/server/runtime";

const id = z.string().trim().min(1).max(64);

function changed(playerIds: readonly string[], options: { bans?: boolean } = {}): void {
  // The change is stored: a failed badge refresh only delays the table's flags until the next one.
  const { hub, logger } = getRuntime();
  if (hub)
    void hub
      .refreshRecords(playerIds)
      .catch((error: unknown) => logger.warn("player badge refresh failed", { error: String(error) }));
  for (const playerId of new Set(playerIds)) revalidatePath(`/players/${playerId}`);
  revalidatePath("/players");
  if (options.bans) revalidatePath("/bans");
}

export const addNoteAction = authedAction(
  z.object({ playerId: playerIdSchema, text: noteTextSchema }),
  {},
  async (input, ctx) => {
    const note = await addPlayerNote(ctx, input.playerId, input.text);
    changed([input.playerId]);
    return { id: note.id };
  },
);

export const editNoteAction = authedAction(
  z.object({ noteId: id, text: noteTextSchema }),
  {},
  async (input, ctx) => {
    const note = await editPlayerNote(ctx, input.noteId, input.text);
    changed([note.playerId]);
    return { id: note.id };
  },
);

export const deleteNoteAction = authedAction(z.object({ noteId: id }), {}, async (input, ctx) => {
  const note = await deletePlayerNote(ctx, input.noteId);
  changed([note.playerId]);
  return { id: note.id };
});

export const setWatchAction = authedAction(
  z.object({ playerId: playerIdSchema, reason: watchReasonSchema }),
  {},
  async (input, ctx) => {
    const result = await setPlayerWatch(ctx, input.playerId, input.reason);
    changed([input.playerId]);
    return result;
  },
);

export const clearWatchAction = authedAction(
  z.object({ playerId: playerIdSchema }),
  {},
  async (input, ctx) => {
    const result = await setPlayerWatch(ctx, input.playerId, null);
    changed([input.playerId]);
    return result;
  },
);

/** `intoId` may be typed as an id or a pasted profile link (lib/schemas/players.ts). */
export const mergePlayerAction = authedAction(mergePlayersSchema, {}, async (input, ctx) => {
  const result = await mergePlayers(ctx, input);
  changed(result.playerIds, { bans: true });
  return { intoId: result.intoId, fromId: result.fromId };
});

export const splitPlayerAction = authedAction(
  z.object({ playerId: playerIdSchema }),
  {},
  async (input, ctx) => {
    const result = await splitPlayer(ctx, input.playerId);
    changed(result.playerIds, { bans: true });
    return { intoId: result.intoId, fromId: result.fromId };
  },
);

export const erasePlayerAction = authedAction(
  z.object({ playerId: playerIdSchema, confirm: eraseConfirmSchema }),
  {},
  async (input, ctx) => {
    const result = await erasePlayer(ctx, input.playerId);
    changed(result.playerIds);
    return { playerId: result.playerId, message: result.message, bansKept: result.bansKept };
  },
);

const banSchema = z.object({
  playerId: playerIdSchema,
  reason: banReasonSchema,
  note: z.string().max(2000).default(""),
  /** "30m", "7d", "permanent" (lib/bans/duration.ts). */
  duration: z.string().trim().min(1, "Choose a duration").max(40),
  scope: z.enum(["all", "servers", "list"]),
  serverIds: z.array(id).max(500),
  banListId: z.string().max(64).default(""),
  includeAddress: z.boolean(),
});

/** A central ban from the record's certain identities (and its last address if chosen), also offline. */
export const banPlayerRecordAction = authedAction(
  banSchema,
  { arrays: ["serverIds"], booleans: ["includeAddress"] },
  async (input, ctx) => {
    const ban = await banPlayerRecord(ctx, {
      playerId: input.playerId,
      reason: input.reason,
      note: input.note.trim() || undefined,
      duration: input.duration,
      includeAddress: input.includeAddress,
      target:
        input.scope === "servers"
          ? { scope: "servers", serverIds: input.serverIds }
          : input.scope === "list"
            ? { scope: "list", banListId: input.banListId }
            : { scope: "all" },
    });
    // Enforcement follows at once where the ban applies (the player may be online elsewhere).
    getRuntime().hub?.recheckBans(ban.scope === "servers" ? ban.serverIds : undefined);
    changed([input.playerId], { bans: true });
    return { banId: ban.id, message: `Banned ${ban.playerNames[0] ?? "the player"}.` };
  },
);
