/**
 * Staff notes and the watch list on SQLite and PostgreSQL: who may add, edit (author, Admins) and
 * delete (Owners) notes, revisions kept, the watch flag set and cleared; every refusal (Viewer,
 * a Moderator or Admin limited to a server the player was never seen on, someone else's note)
 * audited as denied and nothing changed; audit rows without the note's text.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../../lib/permissions.ts";
import { DATABASE_KINDS, type TestDatabase } from "../../testing/databases.ts";
import { createActor } from "../../testing/actors.ts";
import { createUnreadableServer } from "../../testing/hub.ts";
import { createPlayerRecord } from "../../testing/players.ts";
import type { DataContext } from "../context.ts";
import { addPlayerNote, deletePlayerNote, editPlayerNote } from "./notes.ts";
import { setPlayerWatch } from "./watch.ts";

const T0 = new Date("2026-06-01T12:00:00Z");
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

describe.each(DATABASE_KINDS)("player notes and watch list on $kind", ({ create }) => {
  let t: TestDatabase;
  let s1: string, s2: string;
  let playerId: string;
  let owner: Actor,
    admin: Actor,
    limitedAdmin: Actor,
    mod: Actor,
    mod2: Actor,
    limitedMod: Actor,
    viewer: Actor;
  const ctx = (actor: Actor): DataContext => ({ db: t.db, actor, ip: "127.0.0.1" });
  const denied = (actor: Actor, action: string) =>
    t.db.auditEvent.count({ where: { actorId: actor.id, action, outcome: "denied", targetType: "player" } });

  beforeAll(async () => {
    t = await create();
    s1 = await createUnreadableServer(t.db, "One");
    s2 = await createUnreadableServer(t.db, "Two");
    playerId = await createPlayerRecord(t.db, {
      name: "Wolf",
      identities: [
        {
          kind: "steam",
          value: "76561197960265729",
          firstSeenAt: at(0),
          lastSeenAt: at(30),
          serverIds: [s1],
        },
      ],
      stays: [{ serverId: s1, joinedAt: at(0), leftAt: at(30) }],
    });
    owner = await createActor(t.db, "OWNER", null);
    admin = await createActor(t.db, "ADMIN", null);
    limitedAdmin = await createActor(t.db, "ADMIN", [s2]);
    mod = await createActor(t.db, "MODERATOR", null);
    mod2 = await createActor(t.db, "MODERATOR", null);
    limitedMod = await createActor(t.db, "MODERATOR", [s2]);
    viewer = await createActor(t.db, "VIEWER", null);
  });
  afterAll(async () => {
    await t.drop();
  });

  it("a Moderator adds a note: stored with its author, audited with its length but not its text", async () => {
    const note = await addPlayerNote(ctx(mod), playerId, "  Teamkills on spawn, see demo  ", at(40));
    expect(note).toMatchObject({
      playerId,
      text: "Teamkills on spawn, see demo",
      authorName: mod.name,
      editedAt: null,
    });
    const row = await t.db.playerNote.findUniqueOrThrow({ where: { id: note.id } });
    expect(row).toMatchObject({
      originPlayerId: playerId,
      authorId: mod.id,
      authorEmail: mod.email,
      createdAt: at(40),
    });
    const audit = await t.db.auditEvent.findFirstOrThrow({
      where: { action: "player.note_add", actorId: mod.id },
    });
    expect(audit).toMatchObject({ outcome: "success", targetType: "player", targetId: playerId });
    expect(JSON.parse(audit.input ?? "{}")).toEqual({ noteId: note.id, length: 28 });
    expect(audit.input).not.toContain("Teamkills");
  });

  it("an empty or over-long note is a field error and nothing is stored", async () => {
    const before = await t.db.playerNote.count();
    for (const text of ["   ", "x".repeat(2001), "bell\u0007"])
      await expect(addPlayerNote(ctx(mod), playerId, text)).rejects.toMatchObject({
        code: "INVALID_INPUT",
        fieldErrors: { text: [expect.any(String)] },
      });
    expect(await t.db.playerNote.count()).toBe(before);
  });

  it("a Viewer, and a Moderator limited to a server the player was never on, may not add notes (audited)", async () => {
    const before = await t.db.playerNote.count();
    for (const actor of [viewer, limitedMod]) {
      await expect(addPlayerNote(ctx(actor), playerId, "hello")).rejects.toMatchObject({ code: "FORBIDDEN" });
      expect(await denied(actor, "player.note_add")).toBe(1);
    }
    expect(await t.db.playerNote.count()).toBe(before);
  });

  it("the author and an Admin edit a note, each earlier text kept; another Moderator and a limited Admin may not", async () => {
    const note = await addPlayerNote(ctx(mod), playerId, "first", at(50));
    await editPlayerNote(ctx(mod), note.id, "second", at(51));
    for (const actor of [mod2, limitedAdmin]) {
      await expect(editPlayerNote(ctx(actor), note.id, "vandal")).rejects.toMatchObject({
        code: "FORBIDDEN",
      });
      expect(await denied(actor, "player.note_edit")).toBe(1);
    }
    const edited = await editPlayerNote(ctx(admin), note.id, "third", at(52));
    expect(edited).toMatchObject({ text: "third", editedAt: at(52).toISOString() });
    const revisions = await t.db.playerNoteRevision.findMany({
      where: { noteId: note.id },
      orderBy: { createdAt: "asc" },
    });
    expect(revisions.map((r) => [r.text, r.editorId, r.createdAt])).toEqual([
      ["first", mod.id, at(51)],
      ["second", admin.id, at(52)],
    ]);
    const audits = await t.db.auditEvent.findMany({
      where: { action: "player.note_edit", outcome: "success" },
    });
    expect(audits.map((a) => a.actorId).sort()).toEqual([mod.id, admin.id].sort());
    expect(audits.every((a) => !/first|second|third/.test(a.input ?? ""))).toBe(true);
  });

  it("only an Owner deletes a note (an Admin is refused, audited); its revisions go with it", async () => {
    const note = await addPlayerNote(ctx(mod), playerId, "to delete");
    await editPlayerNote(ctx(mod), note.id, "to delete, edited");
    await expect(deletePlayerNote(ctx(admin), note.id)).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await denied(admin, "player.note_delete")).toBe(1);
    expect(await t.db.playerNote.count({ where: { id: note.id } })).toBe(1);
    expect(await deletePlayerNote(ctx(owner), note.id)).toEqual({ id: note.id, playerId });
    expect(await t.db.playerNote.count({ where: { id: note.id } })).toBe(0);
    expect(await t.db.playerNoteRevision.count({ where: { noteId: note.id } })).toBe(0);
    expect(
      await t.db.auditEvent.count({
        where: { action: "player.note_delete", outcome: "success", actorId: owner.id },
      }),
    ).toBe(1);
    await expect(deletePlayerNote(ctx(owner), note.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("a Moderator flags a player with a reason and removes the flag; both audited", async () => {
    const flagged = await setPlayerWatch(ctx(mod), playerId, " suspected wallhack ", at(60));
    expect(flagged).toEqual({
      playerId,
      watch: { reason: "suspected wallhack", since: at(60).toISOString(), byName: mod.name },
    });
    expect(await t.db.player.findUniqueOrThrow({ where: { id: playerId } })).toMatchObject({
      watchReason: "suspected wallhack",
      watchedAt: at(60),
      watchedById: mod.id,
    });
    expect(await setPlayerWatch(ctx(mod2), playerId, null)).toEqual({ playerId, watch: null });
    expect(await t.db.player.findUniqueOrThrow({ where: { id: playerId } })).toMatchObject({
      watchReason: null,
      watchedAt: null,
      watchedById: null,
    });
    const audits = await t.db.auditEvent.findMany({
      where: { action: { in: ["player.watch", "player.unwatch"] } },
      orderBy: { createdAt: "asc" },
    });
    expect(
      audits.map((a) => [a.action, a.actorId, a.outcome, JSON.parse(a.input ?? "{}") as unknown]),
    ).toEqual([
      ["player.watch", mod.id, "success", { reason: "suspected wallhack", previousReason: null }],
      ["player.unwatch", mod2.id, "success", { previousReason: "suspected wallhack" }],
    ]);
  });

  it("a Viewer and a limited Moderator may not flag (audited); a bad reason is a field error", async () => {
    for (const actor of [viewer, limitedMod]) {
      await expect(setPlayerWatch(ctx(actor), playerId, "x")).rejects.toMatchObject({ code: "FORBIDDEN" });
      expect(await denied(actor, "player.watch")).toBe(1);
    }
    for (const reason of ["", "x".repeat(201), "two\nlines"])
      await expect(setPlayerWatch(ctx(mod), playerId, reason)).rejects.toMatchObject({
        code: "INVALID_INPUT",
        fieldErrors: { reason: [expect.any(String)] },
      });
    expect((await t.db.player.findUniqueOrThrow({ where: { id: playerId } })).watchReason).toBeNull();
  });

  it("an unknown player is not found", async () => {
    await expect(addPlayerNote(ctx(mod), "nope", "x")).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(setPlayerWatch(ctx(mod), "nope", "x")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
