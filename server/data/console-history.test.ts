import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASE_KINDS, type TestDatabase } from "../testing/databases.ts";
import { createServerRows } from "../testing/servers.ts";
import { insertConsoleLines, listOwnRecentCommands, type ConsoleLineRecord } from "./history.ts";

const ACTOR_INDEX = "ConsoleLine_actorId_serverId_kind_seq_idx";

describe.each(DATABASE_KINDS)("console history by actor on $kind", ({ kind, create }) => {
  let t: TestDatabase;
  const at = new Date("2026-12-02T10:00:00Z");
  let seq = 0;
  const line = (
    serverId: string,
    text: string,
    actorId: string | null,
    kindOf = "command",
  ): ConsoleLineRecord => ({
    serverId,
    seq: ++seq,
    kind: kindOf,
    text,
    actorId,
    actorName: actorId,
    replyTo: null,
    createdAt: at,
  });

  beforeAll(async () => {
    t = await create();
    await createServerRows(t.db, ["s1", "s2"]);
  });
  afterAll(async () => t.drop());

  it("a user's own recent commands: theirs only, on that server, oldest first, repeats in a row once", async () => {
    await insertConsoleLines(t.db, [
      line("s1", "players", "alice"),
      line("s1", "players", "alice"),
      line("s1", "(Global) x: hi", null, "chat"),
      line("s1", "kick 3", "bob"),
      line("s2", "status", "alice"),
      line("s1", "say hello", "alice"),
      line("s1", "answer text", "alice", "answer"),
    ]);
    expect(await listOwnRecentCommands(t.db, "alice", "s1")).toEqual(["players", "say hello"]);
    expect(await listOwnRecentCommands(t.db, "alice", "s2")).toEqual(["status"]);
  });

  // Most lines (chat, joins, answers) have no actor: a full index put every one of them on a leaf
  // of its own server's range, one more random page per line for each batched write to copy.
  it("the actor index holds only lines with an actor", async () => {
    const definition =
      kind === "sqlite"
        ? (
            await t.db.$queryRawUnsafe<{ sql: string }[]>(
              `SELECT sql FROM sqlite_master WHERE type = 'index' AND name = '${ACTOR_INDEX}'`,
            )
          )[0]?.sql
        : (
            await t.db.$queryRawUnsafe<{ indexdef: string }[]>(
              `SELECT indexdef FROM pg_indexes WHERE indexname = '${ACTOR_INDEX}'`,
            )
          )[0]?.indexdef;
    expect(definition).toMatch(/WHERE \(?"?actorId"? IS NOT NULL\)?/);
    if (kind === "sqlite") {
      // The own-commands lookup (actorId = ?) still finds it usable.
      const plan = await t.db.$queryRawUnsafe<{ detail: string }[]>(
        `EXPLAIN QUERY PLAN SELECT "text" FROM "ConsoleLine" WHERE "actorId" = 'alice' AND "serverId" = 's1' AND "kind" = 'command' ORDER BY "seq" DESC LIMIT 50`,
      );
      expect(plan.map((p) => p.detail).join(" | ")).toContain(ACTOR_INDEX);
    }
  });
});
