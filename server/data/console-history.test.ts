import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSqliteTestDatabase, DATABASE_KINDS, type TestDatabase } from "../testing/databases.ts";
import type { Db } from "../db/client.ts";
import { createServerRows } from "../testing/servers.ts";
import { AWKWARD_TEXTS } from "../testing/awkward-text.ts";
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

  // A cluster's fenced writes (server/cluster/lease-fence.ts) come through a transaction client: it
  // must be seen as its database (on PostgreSQL, taken for SQLite, the batch would go as SQLite's
  // json_each and fail).
  it("a batch through a transaction client is stored", async () => {
    await t.db.$transaction(async (tx) =>
      insertConsoleLines(tx as unknown as Db, [
        line("s2", "in a transaction", "carol"),
        line("s2", "its answer", null, "answer"),
      ]),
    );
    expect(
      (
        await t.db.consoleLine.findMany({
          where: { serverId: "s2", seq: { gt: 0 } },
          orderBy: { seq: "asc" },
        })
      ).map((l) => [l.text, l.actorId, l.kind]),
    ).toEqual([
      ["status", "alice", "command"],
      ["in a transaction", "carol", "command"],
      ["its answer", null, "answer"],
    ]);
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

// On SQLite a batch goes as one JSON parameter (sqlite-json-rows.ts): what it stores must be byte
// for byte what Prisma's createMany stores, or lines of the two paths would sort and compare
// differently (and a reader would see a date or a number as text).
describe("SQLite console batches store what Prisma stores", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createSqliteTestDatabase();
    await createServerRows(t.db, ["s1"]);
  });
  afterAll(async () => t.drop());

  const LONE_SURROGATE = "lone \ud800 surrogate";
  const awkward = [...AWKWARD_TEXTS, "carriage\rreturn", LONE_SURROGATE, "nul \u0000 inside"];
  const columns = ["serverId", "seq", "kind", "text", "actorId", "actorName", "replyTo", "createdAt"];
  const stored = (seq: number) =>
    t.db.$queryRawUnsafe<Record<string, unknown>[]>(
      `SELECT ${columns.map((c) => `"${c}", typeof("${c}") AS "${c}Type", hex("${c}") AS "${c}Hex"`).join(", ")} FROM "ConsoleLine" WHERE "seq" = ?`,
      seq,
    );

  it("every column, awkward text, null and set actors, replies and dates", async () => {
    const rows: ConsoleLineRecord[] = awkward.map((text, i) => ({
      serverId: "s1",
      seq: 1 + i,
      kind: i % 2 === 0 ? "answer" : "command",
      text,
      actorId: i % 2 === 0 ? null : `user-${text}`,
      actorName: i % 3 === 0 ? null : text,
      replyTo: i % 2 === 0 ? 1_000 + i : null,
      createdAt: new Date(Date.UTC(2026, 11, 3, 7, 8, 9, i * 7)),
    }));
    await insertConsoleLines(t.db, rows);
    await t.db.consoleLine.createMany({ data: rows.map((row) => ({ ...row, seq: row.seq + 100 })) });
    for (const row of rows) {
      if (row.text === LONE_SURROGATE) continue; // below: the drivers of Node 20 and 24 differ
      const [viaJson] = await stored(row.seq);
      const [viaPrisma] = await stored(row.seq + 100);
      expect(viaJson, row.text).toBeDefined();
      expect({ ...viaJson, seq: null, seqHex: null }).toEqual({ ...viaPrisma, seq: null, seqHex: null });
      expect(viaJson).toMatchObject({ seqType: "integer", createdAtType: "text" });
    }
    // A lone surrogate is stored as U+FFFD (EF BF BD), as the driver binds it on Node 24, never as
    // the surrogate's own bytes (not UTF-8), which SQLite would decode from the JSON escape and
    // Node 20's driver binds.
    const lone = rows.find((row) => row.text === LONE_SURROGATE);
    const [loneStored] = await stored(lone?.seq ?? 0);
    expect(loneStored?.textHex).toBe(Buffer.from("lone \ufffd surrogate").toString("hex").toUpperCase());
    // And every line reads back as written (the lone surrogate as U+FFFD).
    const read = await t.db.consoleLine.findMany({
      where: { seq: { lte: awkward.length } },
      orderBy: { seq: "asc" },
    });
    expect(read.map(({ id: _id, ...line }) => line)).toEqual(
      rows.map((row) => ({
        ...row,
        text: row.text.toWellFormed(),
        actorId: row.actorId?.toWellFormed() ?? null,
        actorName: row.actorName?.toWellFormed() ?? null,
      })),
    );
  });

  it("inside a transaction client, and more rows than one statement takes", async () => {
    const many: ConsoleLineRecord[] = Array.from({ length: 2_500 }, (_, i) => ({
      serverId: "s1",
      seq: 10_000 + i,
      kind: "chat",
      text: `line ${i}`,
      actorId: null,
      actorName: null,
      replyTo: null,
      createdAt: new Date(Date.UTC(2026, 11, 3, 8, 0, 0, i)),
    }));
    await t.db.$transaction(async (tx) => insertConsoleLines(tx as unknown as Db, many));
    const rows = await t.db.consoleLine.findMany({
      where: { seq: { gte: 10_000 } },
      orderBy: { seq: "asc" },
    });
    expect(rows.map(({ id: _id, ...line }) => line)).toEqual(many);
  });
});
