/**
 * Staff notes on a player record. Anyone with players.notes on the player adds notes; the author
 * and Admins (ADMIN/OWNER with players.notes there) edit them, every earlier text kept as a
 * PlayerNoteRevision; only Owners (players.erase) delete them.
 *
 * The audit rows carry the note's id and length, never its text: a note may hold personal data,
 * and audit rows outlive "erase player", which must really forget. The note table is the record.
 */
import { z } from "zod";
import { AppError } from "../../../lib/errors.ts";
import { canOnPlayer } from "../../../lib/permissions.ts";
import { noteTextSchema } from "../../../lib/schemas/players.ts";
import { recordAudit } from "../audit.ts";
import type { DataContext } from "../context.ts";
import { authorOf, denyOnPlayer, loadPlayerTarget, playerForAction, requireAnywhere } from "./access.ts";

export interface PlayerNoteDto {
  id: string;
  playerId: string;
  text: string;
  authorName: string | null;
  createdAt: string;
  editedAt: string | null;
}

function parseText(raw: string): string {
  const parsed = noteTextSchema.safeParse(raw);
  if (!parsed.success)
    throw new AppError("INVALID_INPUT", "Check the highlighted fields.", {
      text: z.flattenError(parsed.error).formErrors,
    });
  return parsed.data;
}

function toDto(row: {
  id: string;
  playerId: string;
  text: string;
  authorName: string | null;
  createdAt: Date;
  editedAt: Date | null;
}): PlayerNoteDto {
  return {
    id: row.id,
    playerId: row.playerId,
    text: row.text,
    authorName: row.authorName,
    createdAt: row.createdAt.toISOString(),
    editedAt: row.editedAt?.toISOString() ?? null,
  };
}

export async function addPlayerNote(
  ctx: DataContext,
  playerId: string,
  text: string,
  now = new Date(),
): Promise<PlayerNoteDto> {
  await requireAnywhere(ctx, "players.notes", "player.note_add", playerId);
  const body = parseText(text);
  await playerForAction(ctx, playerId, "players.notes", "player.note_add");
  const author = authorOf(ctx);
  const row = await ctx.db.playerNote.create({
    data: {
      playerId,
      originPlayerId: playerId,
      text: body,
      authorId: author.id,
      authorEmail: author.email,
      authorName: author.name,
      createdAt: now,
    },
  });
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action: "player.note_add",
    targetType: "player",
    targetId: playerId,
    input: { noteId: row.id, length: body.length },
    outcome: "success",
    sourceIp: ctx.ip,
  });
  return toDto(row);
}

/** The note and the servers its player was seen on; refusals of `permission` audited. */
async function noteForAction(
  ctx: DataContext,
  noteId: string,
  permission: "players.notes" | "players.erase",
  action: string,
) {
  await requireAnywhere(ctx, permission, action, null);
  const note = await ctx.db.playerNote.findUnique({ where: { id: noteId } });
  if (!note) throw new AppError("NOT_FOUND", "That note does not exist.");
  const player = await loadPlayerTarget(ctx, note.playerId);
  if (!player || !canOnPlayer(ctx.actor, permission, player.serverIds))
    await denyOnPlayer(
      ctx,
      action,
      note.playerId,
      `missing permission ${permission} on the player's servers`,
    );
  return note;
}

/** The author edits its own note; Admins and Owners edit any note they reach. */
export async function editPlayerNote(
  ctx: DataContext,
  noteId: string,
  text: string,
  now = new Date(),
): Promise<PlayerNoteDto> {
  const body = parseText(text);
  const note = await noteForAction(ctx, noteId, "players.notes", "player.note_edit");
  const admin = ctx.actor.role === "ADMIN" || ctx.actor.role === "OWNER";
  if (note.authorId !== ctx.actor.id && !admin)
    await denyOnPlayer(
      ctx,
      "player.note_edit",
      note.playerId,
      "not the author of the note",
      "You may only edit your own notes.",
    );
  if (body === note.text) return toDto(note);
  const author = authorOf(ctx);
  // Conditional on the text read: two editors at once cannot lose one version between them.
  const updated = await ctx.db.$transaction(async (tx) => {
    const changed = await tx.playerNote.updateMany({
      where: { id: noteId, text: note.text },
      data: { text: body, editedAt: now },
    });
    if (changed.count !== 1)
      throw new AppError("CONFLICT", "The note was changed meanwhile: reload and try again.");
    await tx.playerNoteRevision.create({
      data: {
        noteId,
        text: note.text,
        editorId: author.id,
        editorEmail: author.email,
        editorName: author.name,
        createdAt: now,
      },
    });
    return tx.playerNote.findUniqueOrThrow({ where: { id: noteId } });
  });
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action: "player.note_edit",
    targetType: "player",
    targetId: note.playerId,
    input: { noteId, length: body.length, previousLength: note.text.length },
    outcome: "success",
    sourceIp: ctx.ip,
  });
  return toDto(updated);
}

/** Owners only (players.erase); the revisions go with the note. */
export async function deletePlayerNote(
  ctx: DataContext,
  noteId: string,
): Promise<{ id: string; playerId: string }> {
  const note = await noteForAction(ctx, noteId, "players.erase", "player.note_delete");
  await ctx.db.playerNote.delete({ where: { id: noteId } });
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action: "player.note_delete",
    targetType: "player",
    targetId: note.playerId,
    input: { noteId, length: note.text.length, authorId: note.authorId },
    outcome: "success",
    sourceIp: ctx.ip,
  });
  return { id: noteId, playerId: note.playerId };
}
