/**
 * The audit hash chain on SQLite and PostgreSQL: every write path (insert, completion, repeat
 * count) is sealed, concurrent writers keep one gapless order, events from before the chain are
 * covered by the genesis digest, a deleted user or server (SetNull) is no break, and each kind of
 * tampering is reported at the first broken link. Each tampering is undone before the next.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createSqliteTestDatabase, DATABASE_KINDS, type TestDatabase } from "../testing/databases.ts";
import { AWKWARD_TEXTS } from "../testing/awkward-text.ts";
import { completeAudit, recordAudit, type AuditEventDto } from "./audit.ts";
import { verifyAuditChain } from "./audit-chain.ts";
import { appendSealed, flushAuditWrites } from "./audit-chain-writer.ts";
import { createDb, type Db } from "../db/client.ts";

describe.each(DATABASE_KINDS)("audit hash chain on $kind", ({ kind, create }) => {
  let t: TestDatabase;
  let actor: { id: string; email: string };
  let done: AuditEventDto;
  let sealedOnly: AuditEventDto;
  let preChain: { id: string };

  beforeAll(async () => {
    t = await create();
    actor = await t.db.user.create({
      data: { email: "admin@example.com", name: "admin", passwordHash: "x", role: "ADMIN" },
    });
    // Stored before the chain began (as by an earlier version): no seal.
    preChain = await t.db.auditEvent.create({
      data: {
        action: "auth.login",
        outcome: "success",
        actorEmail: "old@example.com",
        createdAt: new Date("2026-01-01T00:00:00Z"),
      },
    });
    await t.db.auditEvent.create({
      data: { action: "server.create", outcome: "success", createdAt: new Date("2026-01-02T00:00:00Z") },
    });
  });
  afterAll(async () => {
    await t.drop();
  });

  it("seals every write path and verifies intact, with the events from before the chain", async () => {
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true, seals: 0, events: 2, head: null });
    sealedOnly = await recordAudit(t.db, {
      actor,
      action: "server.update",
      targetType: "server",
      targetId: "s1",
      outcome: "success",
      detail: "renamed",
    });
    const pending = await recordAudit(t.db, {
      actor,
      action: "console.command",
      serverId: null,
      input: { command: "status" },
      outcome: "pending",
    });
    done = await completeAudit(t.db, pending, "success", "hostname: test");
    const now = Date.UTC(2026, 10, 30, 12);
    const denied = {
      actor,
      action: "socket.console:exec",
      outcome: "denied" as const,
      detail: "missing permission",
      sourceIp: "10.0.0.9",
    };
    await Promise.all(Array.from({ length: 20 }, (_, i) => recordAudit(t.db, denied, now + i)));

    const report = await verifyAuditChain(t.db);
    expect(report).toMatchObject({ ok: true, events: 5 });
    // genesis + 3 inserts + 1 completion + at least one repeat seal (the flood folds into one row).
    if (!report.ok) throw new Error(report.reason);
    expect(report.seals).toBeGreaterThanOrEqual(6);
    expect(report.head).toMatch(/^[0-9a-f]{64}$/);
    const genesis = await t.db.auditSeal.findUniqueOrThrow({ where: { seq: 0 } });
    expect(JSON.parse(genesis.state)).toMatchObject({ events: 2 });
    const folded = await t.db.auditEvent.findFirstOrThrow({ where: { action: "socket.console:exec" } });
    expect(folded.repeats).toBe(20);
  });

  it("keeps one gapless order when many writers append at once", async () => {
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        recordAudit(t.db, { actor, action: "player.kick", targetId: `p${i}`, outcome: "success" }),
      ),
    );
    const seals = await t.db.auditSeal.findMany({ orderBy: { seq: "asc" }, select: { seq: true } });
    expect(seals.map((s) => s.seq)).toEqual(seals.map((_, i) => i));
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true });
  });

  it("keeps one chain when another client appends behind a writer's cached head", async () => {
    // Another process on the same database (a CLI tool; on PostgreSQL another instance) appends
    // between two of this writer's appends: the stale writer loses the race for the seq, reads the
    // head again and appends after it.
    const other = createDb(t.url);
    try {
      const first = await recordAudit(t.db, {
        actor,
        action: "console.command",
        targetId: "a",
        outcome: "pending",
      });
      await recordAudit(other, { actor, action: "console.command", targetId: "b", outcome: "success" });
      await completeAudit(t.db, first, "success", null);
      await recordAudit(other, { actor, action: "console.command", targetId: "c", outcome: "success" });
      await recordAudit(t.db, { actor, action: "console.command", targetId: "d", outcome: "success" });
      if (kind === "postgresql") {
        // Instances append at once: the chain's row lock orders them.
        await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            recordAudit(i % 2 ? other : t.db, {
              actor,
              action: "player.kick",
              targetId: `x${i}`,
              outcome: "success",
            }),
          ),
        );
      }
      const seals = await t.db.auditSeal.findMany({ orderBy: { seq: "asc" }, select: { seq: true } });
      expect(seals.map((s) => s.seq)).toEqual(seals.map((_, i) => i));
      expect((await t.db.auditEvent.findUniqueOrThrow({ where: { id: first.id } })).outcome).toBe("success");
      expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true });
    } finally {
      await other.$disconnect();
    }
  });

  it("reports an edited event at its insert seal", async () => {
    await t.db.auditEvent.update({ where: { id: sealedOnly.id }, data: { action: "server.view" } });
    const seal = await t.db.auditSeal.findFirstOrThrow({ where: { eventId: sealedOnly.id, kind: "insert" } });
    expect(await verifyAuditChain(t.db)).toMatchObject({
      ok: false,
      seq: seal.seq,
      eventId: sealedOnly.id,
      reason: "the event or its seal was changed",
    });
    await t.db.auditEvent.update({ where: { id: sealedOnly.id }, data: { action: "server.update" } });
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true });
  });

  it("reports a changed outcome of a completed event", async () => {
    await t.db.auditEvent.update({ where: { id: done.id }, data: { outcome: "failure" } });
    expect(await verifyAuditChain(t.db)).toMatchObject({
      ok: false,
      eventId: done.id,
      reason: "the event's outcome, detail or count was changed",
    });
    await t.db.auditEvent.update({ where: { id: done.id }, data: { outcome: "success" } });
  });

  it("reports a deleted event, a deleted seal and an edited seal", async () => {
    const row = await t.db.auditEvent.findUniqueOrThrow({ where: { id: sealedOnly.id } });
    await t.db.auditEvent.delete({ where: { id: row.id } });
    expect(await verifyAuditChain(t.db)).toMatchObject({
      ok: false,
      eventId: row.id,
      reason: "the event this seal covers was deleted",
    });
    await t.db.auditEvent.create({ data: row });

    const seal = await t.db.auditSeal.findFirstOrThrow({ where: { eventId: done.id, kind: "complete" } });
    await t.db.auditSeal.delete({ where: { seq: seal.seq } });
    expect(await verifyAuditChain(t.db)).toMatchObject({
      ok: false,
      seq: seal.seq,
      reason: `seal ${seal.seq} is missing`,
    });
    await t.db.auditSeal.create({ data: seal });

    await t.db.auditSeal.update({
      where: { seq: seal.seq },
      data: { state: JSON.stringify({ outcome: "failure", detail: null }) },
    });
    expect(await verifyAuditChain(t.db)).toMatchObject({
      ok: false,
      seq: seal.seq,
      reason: "the seal was changed",
    });
    await t.db.auditSeal.update({ where: { seq: seal.seq }, data: { state: seal.state } });
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true });
  });

  it("reports an event added behind the app's back, and an edited event from before the chain", async () => {
    const forged = await t.db.auditEvent.create({
      data: { action: "ban.revoke", outcome: "success", createdAt: new Date("2026-01-01T12:00:00Z") },
    });
    const report = await verifyAuditChain(t.db);
    expect(report).toMatchObject({ ok: false, seq: 0 });
    expect(!report.ok && report.reason).toContain(
      "events not covered by the chain: 3 now, 2 when the chain began",
    );
    await t.db.auditEvent.delete({ where: { id: forged.id } });

    await t.db.auditEvent.update({
      where: { id: preChain.id },
      data: { actorEmail: "someone-else@example.com" },
    });
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: false, seq: 0 });
    await t.db.auditEvent.update({ where: { id: preChain.id }, data: { actorEmail: "old@example.com" } });
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true });
  });

  it("accepts a cleared actor or server only when that user or server is gone", async () => {
    const server = await t.db.server.create({
      data: {
        name: "Gone",
        protocol: "source",
        game: "tf2",
        host: "127.0.0.1",
        port: 27015,
        passwordEncrypted: "x",
      },
    });
    const other = await t.db.user.create({
      data: { email: "leaver@example.com", name: "leaver", passwordHash: "x", role: "VIEWER" },
    });
    const event = await recordAudit(t.db, {
      actor: other,
      action: "server.delete",
      serverId: server.id,
      outcome: "success",
    });
    await t.db.server.delete({ where: { id: server.id } });
    await t.db.user.delete({ where: { id: other.id } });
    expect(await t.db.auditEvent.findUniqueOrThrow({ where: { id: event.id } })).toMatchObject({
      actorId: null,
      serverId: null,
    });
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true });

    // Pointing an event at another (existing) user is tampering.
    await t.db.auditEvent.update({ where: { id: event.id }, data: { actorId: actor.id } });
    expect(await verifyAuditChain(t.db)).toMatchObject({
      ok: false,
      eventId: event.id,
      reason: "the event's actor was changed",
    });
    await t.db.auditEvent.update({ where: { id: event.id }, data: { actorId: null } });
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true });
  });

  it("completes many pending events at once, each with its own outcome; one whose event is gone fails alone", async () => {
    const pending = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        recordAudit(t.db, { actor, action: "console.command", targetId: `batch-${i}`, outcome: "pending" }),
      ),
    );
    const gone: AuditEventDto = { ...pending[0]!, id: "c-not-stored" };
    const outcomes = ["success", "failure", "unknown"] as const;
    // Completed in one turn of the event loop: they share batches.
    const settled = await Promise.allSettled([
      ...pending.map((p, i) => completeAudit(t.db, p, outcomes[i % 3]!, i % 4 === 0 ? null : `answer ${i}`)),
      completeAudit(t.db, gone, "success", "nothing to complete"),
    ]);
    expect(settled.at(-1)).toMatchObject({ status: "rejected" });
    const stored = await t.db.auditEvent.findMany({
      where: { id: { in: pending.map((p) => p.id) } },
      select: { id: true, outcome: true, detail: true },
    });
    const byId = new Map(stored.map((row) => [row.id, row]));
    pending.forEach((p, i) => {
      const expected = { outcome: outcomes[i % 3], detail: i % 4 === 0 ? null : `answer ${i}` };
      expect(byId.get(p.id)).toMatchObject(expected);
      // What the caller was given is what is stored.
      expect(settled[i]).toMatchObject({ status: "fulfilled", value: { id: p.id, ...expected } });
    });
    // No seal names the event that was not there, and the chain is intact.
    expect(await t.db.auditSeal.count({ where: { eventId: gone.id } })).toBe(0);
    expect(
      await t.db.auditSeal.count({ where: { kind: "complete", eventId: { in: pending.map((p) => p.id) } } }),
    ).toBe(30);
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true });
  });

  it("a completion of an event this writer stored pending does not read the event back", async () => {
    let reads = 0;
    const counted = t.db.$extends({
      query: {
        auditEvent: {
          async findMany({ args, query }) {
            reads++;
            return query(args);
          },
        },
      },
    }) as unknown as Db;
    const pending = await Promise.all(
      ["first", "second"].map((targetId) =>
        recordAudit(counted, { actor, action: "console.command", targetId, outcome: "pending" }),
      ),
    );
    const completed = await Promise.all(pending.map((p) => completeAudit(counted, p, "success", p.targetId)));
    expect(reads).toBe(0);
    for (const done of completed) {
      const stored = await t.db.auditEvent.findUniqueOrThrow({ where: { id: done.id } });
      // What the caller is given is the row as stored.
      expect(done).toMatchObject({
        id: stored.id,
        action: stored.action,
        targetId: stored.targetId,
        actorId: actor.id,
        outcome: "success",
        detail: stored.targetId,
      });
      expect(stored).toMatchObject({ outcome: "success", detail: done.targetId });
    }
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true });
  });

  it("a completion waits for the next insert (or a flush) and is written with it", async () => {
    const first = await recordAudit(t.db, { actor, action: "console.command", outcome: "pending" });
    const second = await recordAudit(t.db, { actor, action: "console.command", outcome: "pending" });
    const outcomeOf = async (id: string) =>
      (await t.db.auditEvent.findUniqueOrThrow({ where: { id }, select: { outcome: true } })).outcome;
    // Only the wait's timer is stopped: the writer's own turns and the database run as usual.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      const completed = completeAudit(t.db, first, "success", "ok");
      for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
      expect(await outcomeOf(first.id)).toBe("pending");
      // An insert takes it along.
      await recordAudit(t.db, { actor, action: "server.update", outcome: "success" });
      await completed;
      expect(await outcomeOf(first.id)).toBe("success");

      const flushed = completeAudit(t.db, second, "failure", "no answer");
      await flushAuditWrites(t.db);
      expect(await outcomeOf(second.id)).toBe("failure");
      await flushed;
    } finally {
      vi.useRealTimers();
    }
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true });
  });
});

describe("audit writes on a busy SQLite database", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createSqliteTestDatabase();
  });
  afterAll(async () => {
    await t.drop();
  });

  // SQLite has one connection: a long transaction elsewhere (stays closed at 1,000 servers) makes
  // the audit write wait. Past Prisma's default 2 s wait it used to fail, refusing the action.
  it("an append waits for a transaction that holds the database longer than 2 s, then is written and sealed", async () => {
    let holding!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    const busy = t.db.$transaction(
      async (tx) => {
        await tx.user.count();
        holding();
        await new Promise((resolve) => setTimeout(resolve, 2_500));
      },
      { timeout: 10_000 },
    );
    await held;
    const event = await recordAudit(t.db, { actor: null, action: "console.command", outcome: "pending" });
    await busy;
    expect(await t.db.auditEvent.findUnique({ where: { id: event.id } })).toMatchObject({
      action: "console.command",
    });
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true });
  }, 20_000);
});

// The SQLite writer stores a batch's rows through json_each (one statement shape whatever the row
// count): what it stores must be byte for byte what Prisma's own createMany and update store, or
// rows of the two paths would sort, compare and hash differently.
describe("SQLite audit batches store what Prisma stores", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createSqliteTestDatabase();
  });
  afterAll(async () => {
    await t.drop();
  });

  const awkward = AWKWARD_TEXTS;
  // The first row by its key (a seal's event has several seals: the insert's comes first).
  const stored = (table: string, id: string, key = "id") =>
    t.db.$queryRawUnsafe<Record<string, unknown>[]>(
      `SELECT * FROM "${table}" WHERE "${key}" = ? ORDER BY rowid LIMIT 1`,
      id,
    );
  const types = (table: string, id: string, columns: string[], key = "id") =>
    t.db.$queryRawUnsafe<Record<string, unknown>[]>(
      `SELECT ${columns.map((c) => `typeof("${c}") AS "${c}"`).join(", ")} FROM "${table}" WHERE "${key}" = ? ORDER BY rowid LIMIT 1`,
      id,
    );
  const without = (row: Record<string, unknown> | undefined, ...keys: string[]) =>
    Object.fromEntries(Object.entries(row ?? {}).filter(([k]) => !keys.includes(k)));

  it("events (every column, awkward text, dates, null), their completions and their seals", async () => {
    const createdAt = new Date("2026-12-03T07:08:09.123Z");
    for (const [i, text] of awkward.entries()) {
      const data = {
        actorId: null,
        actorEmail: `a${i}@example.com`,
        action: "console.command",
        targetType: "server",
        targetId: text,
        serverId: null,
        input: JSON.stringify({ command: text }),
        outcome: "pending",
        detail: i % 2 === 0 ? null : text,
        repeats: 1,
        lastAt: null,
        sourceIp: "192.0.2.7",
        tokenName: text,
        automation: null,
        createdAt,
      };
      const viaWriter = await appendSealed(t.db, {
        kind: "insert",
        eventId: `w${i}`,
        state: { actorId: null, serverId: null, outcome: "pending", detail: data.detail },
        inserted: { ...data, id: `w${i}` },
      });
      await t.db.auditEvent.createMany({ data: [{ ...data, id: `p${i}` }] });
      expect(without((await stored("AuditEvent", `w${i}`))[0], "id")).toEqual(
        without((await stored("AuditEvent", `p${i}`))[0], "id"),
      );
      const columns = Object.keys(data);
      expect(await types("AuditEvent", `w${i}`, columns)).toEqual(
        await types("AuditEvent", `p${i}`, columns),
      );
      // Read back through Prisma, the row is the one the writer returned.
      expect(await t.db.auditEvent.findUnique({ where: { id: `w${i}` } })).toEqual(viaWriter);

      await appendSealed(t.db, {
        kind: "complete",
        eventId: `w${i}`,
        state: { outcome: "failure", detail: text },
        completed: { outcome: "failure", detail: text },
      });
      await flushAuditWrites(t.db);
      await t.db.auditEvent.update({ where: { id: `p${i}` }, data: { outcome: "failure", detail: text } });
      expect(without((await stored("AuditEvent", `w${i}`))[0], "id")).toEqual(
        without((await stored("AuditEvent", `p${i}`))[0], "id"),
      );
    }

    // A seal as Prisma would store it (its createdAt is the time of the write): same text format.
    const seal = (await t.db.auditSeal.findFirst({ where: { eventId: "w0" }, orderBy: { seq: "asc" } }))!;
    await t.db.auditSeal.create({ data: { ...seal, seq: 1_000_000, eventId: "p0" } });
    const sealColumns = ["seq", "kind", "eventId", "state", "prevHash", "hash", "createdAt"];
    expect(without((await stored("AuditSeal", "w0", "eventId"))[0], "seq", "eventId")).toEqual(
      without((await stored("AuditSeal", "p0", "eventId"))[0], "seq", "eventId"),
    );
    expect(await types("AuditSeal", "w0", sealColumns, "eventId")).toEqual(
      await types("AuditSeal", "p0", sealColumns, "eventId"),
    );
    // Without the comparison rows (Prisma's, never sealed), the writer's chain verifies.
    await t.db.auditSeal.delete({ where: { seq: 1_000_000 } });
    await t.db.auditEvent.deleteMany({ where: { id: { startsWith: "p" } } });
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true });
  });
});
