/**
 * Connection writes through a WriteFence, on SQLite and PostgreSQL: a fence (transactional, like
 * the PostgreSQL lease fence) that refuses one server lets nothing of that server through (stays
 * opened, updated, closed, samples, console lines, seq raises) while the other server's writes
 * land; a server whose writes are no longer wanted (null epoch) never reaches the fence.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeStaysLeftOpen, openPlayerSessions, type PlayerSessionInput } from "../data/history.ts";
import type { Db } from "../db/client.ts";
import { DATABASE_KINDS, type TestDatabase } from "../testing/databases.ts";
import { createUnreadableServer } from "../testing/hub.ts";
import type { WriteFence } from "./fence.ts";
import { systemHubClock } from "./clock.ts";
import { ConsoleHistory } from "./history.ts";
import { StayWriter } from "./stay-writer.ts";

/** Runs every write in a transaction and refuses `refused`; records the epochs it was asked about. */
function refusingFence(db: Db, refused: string, asked: Map<string, number>[]): WriteFence {
  return {
    run: (epochs, write) =>
      db.$transaction(async (tx) => {
        asked.push(new Map(epochs));
        return write(tx as unknown as Db, new Set([...epochs.keys()].filter((id) => id !== refused)));
      }),
  };
}

function logger(warnings: { message: string; fields: unknown }[]) {
  return {
    debug() {},
    info() {},
    warn: (message: string, fields?: unknown) => void warnings.push({ message, fields }),
    error() {},
  };
}

const GUID = "0123456789abcdef0123456789abcdef";

function stay(serverId: string, gameId: string, joinedAt: Date): PlayerSessionInput {
  return {
    serverId,
    gameId,
    name: `P${gameId}`,
    plainName: `P${gameId}`,
    guid: null,
    steamId: null,
    address: null,
    joinedAt,
  };
}

describe.each(DATABASE_KINDS)("write fence on $kind", ({ create }) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await create();
  });
  afterAll(async () => {
    await t.drop();
  });

  it("stays and samples: nothing of the refused server is written, the other's are, each with its epoch", async () => {
    const held = await createUnreadableServer(t.db, "held");
    const lost = await createUnreadableServer(t.db, "lost");
    const gone = await createUnreadableServer(t.db, "gone");
    const asked: Map<string, number>[] = [];
    const opened: (string | null)[] = [];
    const epochs = new Map([
      [held, 7],
      [lost, 3],
    ]);
    const writer = new StayWriter<string>({
      db: t.db,
      logger: logger([]),
      clock: systemHubClock,
      fence: refusingFence(t.db, lost, asked),
      epochOf: (id) => epochs.get(id) ?? null,
      opened: (batch) => {
        opened.push(...batch.map((b) => b.stayId));
        return Promise.resolve();
      },
    });
    const at = new Date(Date.UTC(2026, 0, 1));
    const a = writer.open(stay(held, "1", at), "a");
    const b = writer.open(stay(lost, "1", at), "b");
    const c = writer.open(stay(gone, "1", at), "c");
    const shown = {
      name: "Renamed",
      plainName: "Renamed",
      guid: GUID,
      steamId: null,
      address: "203.0.113.9:2304",
    };
    // Two updates of one stay in a batch: the last one's fields are stored.
    writer.update(held, a, { ...shown, name: "Renamed once", plainName: "Renamed once", guid: null });
    writer.update(held, a, shown);
    writer.update(lost, b, shown);
    writer.sample(held, 1, at);
    writer.sample(lost, 1, at);
    writer.sample(gone, 1, at);
    const end = new Date(at.getTime() + 60_000);
    writer.close(held, [a], end);
    writer.close(lost, [b], end);
    await writer.idle();

    expect(await a).toEqual(expect.any(String));
    expect(await b).toBeNull();
    expect(await c).toBeNull();
    expect(opened).toHaveLength(3);
    const stays = await t.db.playerSession.findMany({ where: { serverId: { in: [held, lost, gone] } } });
    expect(stays).toEqual([expect.objectContaining({ serverId: held, ...shown, leftAt: end })]);
    const samples = await t.db.playerCountSample.findMany({
      where: { serverId: { in: [held, lost, gone] } },
    });
    expect(samples.map((s) => s.serverId)).toEqual([held]);
    // The fence saw the epochs of the wanted servers only; the unwanted one never reached it.
    expect(asked[0]).toEqual(
      new Map([
        [held, 7],
        [lost, 3],
      ]),
    );
    expect(asked.every((m) => !m.has(gone))).toBe(true);
  });

  it("console lines and seq raises: the refused server's are dropped (counted once), not retried", async () => {
    const held = await createUnreadableServer(t.db, "held lines");
    const lost = await createUnreadableServer(t.db, "lost lines");
    const warnings: { message: string; fields: unknown }[] = [];
    const history = new ConsoleHistory(t.db, logger(warnings), {
      intervalMs: 5,
      seqBlock: 4,
      fence: refusingFence(t.db, lost, []),
      epochOf: () => 1,
    });
    await history.prepare([held, lost]);
    const markBefore = await t.db.server.findUniqueOrThrow({
      where: { id: lost },
      select: { consoleSeqReserved: true },
    });
    const line = (serverId: string, text: string) =>
      history.append({
        serverId,
        kind: "system",
        text,
        actorId: null,
        actorName: null,
        replyTo: null,
        createdAt: new Date(),
      });
    for (let i = 0; i < 3; i++) {
      expect(line(held, `held ${i}`)).not.toBeNull();
      expect(line(lost, `lost ${i}`)).not.toBeNull(); // the third asks for a raise, which the fence refuses
    }
    await history.ready(held);
    await history.ready(lost);
    await history.flush();
    const stored = await t.db.consoleLine.findMany({
      where: { serverId: { in: [held, lost] } },
      orderBy: { seq: "asc" },
    });
    expect(stored.map((l) => l.text)).toEqual(["held 0", "held 1", "held 2"]);
    expect(warnings.filter((w) => w.message.includes("no longer holds"))).toEqual([
      expect.objectContaining({ fields: { dropped: 3 } }),
    ]);
    const markAfter = await t.db.server.findUniqueOrThrow({
      where: { id: lost },
      select: { consoleSeqReserved: true },
    });
    expect(markAfter.consoleSeqReserved).toBe(markBefore.consoleSeqReserved);
    const heldMark = await t.db.server.findUniqueOrThrow({
      where: { id: held },
      select: { consoleSeqReserved: true },
    });
    expect(heldMark.consoleSeqReserved).toBeGreaterThan(markBefore.consoleSeqReserved);
    await history.close();
  });

  it("closes the stays left open of the given servers only, inside a fence's transaction too", async () => {
    const mine = await createUnreadableServer(t.db, "mine");
    const theirs = await createUnreadableServer(t.db, "theirs");
    const at = new Date(Date.UTC(2026, 0, 1));
    await openPlayerSessions(t.db, [stay(mine, "1", at), stay(theirs, "1", at)]);
    const closed = await t.db.$transaction((tx) =>
      closeStaysLeftOpen(tx as unknown as Db, new Date(at.getTime() + 1_000), [mine]),
    );
    expect(closed).toBe(1);
    const open = await t.db.playerSession.findMany({
      where: { serverId: { in: [mine, theirs] }, leftAt: null },
    });
    expect(open.map((s) => s.serverId)).toEqual([theirs]);
  });
});
