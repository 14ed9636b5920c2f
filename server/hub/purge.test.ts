/**
 * Console lines leave the database in small background batches: a deleted server's (queued by
 * deleteServer in the same transaction, resumed after a restart), a server's beyond the per-server
 * cap, and any beyond retention. Nothing reads a deleted server's lines meanwhile.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { Actor } from "../../lib/permissions.ts";
import { insertConsoleLines, listOwnRecentCommands, type ConsoleLineRecord } from "../data/history.ts";
import { deleteServer } from "../data/servers.ts";
import { loadActor } from "../data/users.ts";
import { encryptSecret } from "../security/crypto.ts";
import { DATABASE_KINDS, type TestDatabase } from "../testing/databases.ts";
import { ConnectionHub, type HubOptions } from "./hub.ts";

const KEY = Buffer.alloc(32, 7);
const silent = { debug() {}, info() {}, warn() {}, error() {} };

describe.each(DATABASE_KINDS)("console line purge on $kind", ({ create }) => {
  let t: TestDatabase;
  let owner: Actor;
  const hubs: ConnectionHub[] = [];

  beforeAll(async () => {
    t = await create();
    const user = await t.db.user.create({
      data: { email: "owner@example.com", name: "Olga", passwordHash: "x", role: "OWNER", allServers: true },
    });
    const actor = await loadActor(t.db, user.id, user.sessionVersion);
    if (!actor) throw new Error("no actor");
    owner = actor;
  });
  afterEach(async () => {
    await Promise.all(hubs.splice(0).map((h) => h.stop()));
  });
  afterAll(async () => {
    await t.drop();
  });

  /** A disabled server (no connection needed) with `count` stored lines, seqs 1..count, the first `older.count` dated `older.at`. */
  async function serverWithLines(
    count: number,
    createdAt = new Date(),
    older: { count: number; at: Date } = { count: 0, at: createdAt },
  ): Promise<string> {
    const row = await t.db.server.create({
      data: {
        name: "S",
        game: "cs2",
        protocol: "source",
        host: "127.0.0.1",
        port: 1,
        enabled: false,
        passwordEncrypted: encryptSecret("pw", KEY),
        consoleSeqReserved: count,
      },
    });
    const lines: ConsoleLineRecord[] = Array.from({ length: count }, (_, i) => ({
      serverId: row.id,
      seq: i + 1,
      kind: i % 2 ? "command" : "answer",
      text: `line ${i + 1}`,
      actorId: owner.id,
      actorName: "Olga",
      replyTo: null,
      createdAt: i < older.count ? older.at : createdAt,
    }));
    await insertConsoleLines(t.db, lines);
    return row.id;
  }

  async function startHub(options: Partial<HubOptions> = {}): Promise<ConnectionHub> {
    const hub = new ConnectionHub({
      db: t.db,
      encryptionKey: KEY,
      logger: silent,
      history: { intervalMs: 20 },
      ...options,
    });
    hubs.push(hub);
    await hub.start();
    return hub;
  }

  const count = (serverId: string) => t.db.consoleLine.count({ where: { serverId } });

  it("deleting a server queues its lines for a batched purge; nothing reads them meanwhile", async () => {
    const doomed = await serverWithLines(3_000);
    const kept = await serverWithLines(10);
    const hub = await startHub({ purge: { batch: 250, pauseMs: 0 } });
    expect((await hub.lines(doomed, {})).length).toBeGreaterThan(0);
    await hub.purger.stop(); // hold the purge back to look at the state in between
    await deleteServer({ db: t.db, actor: owner, ip: "127.0.0.1" }, doomed);
    expect(await t.db.serverPurge.findMany()).toMatchObject([{ serverId: doomed }]);
    expect(await count(doomed)).toBe(3_000); // no cascade: the delete itself stays small
    await hub.removeServer(doomed);
    expect(await hub.lines(doomed, {})).toEqual([]);
    expect(await hub.lines(doomed, { afterSeq: 0 })).toEqual([]);
    expect(await listOwnRecentCommands(t.db, owner.id, doomed)).toEqual([]);

    const again = await startHub({ purge: { batch: 250, pauseMs: 0 } }); // a restart resumes the purge
    await vi.waitFor(async () => expect(await t.db.serverPurge.count()).toBe(0), { timeout: 20_000 });
    expect(await count(doomed)).toBe(0);
    expect(again.purger.deleted).toBeGreaterThanOrEqual(3_000);
    expect(await count(kept)).toBe(10);
  }, 30_000);

  it("keeps at most the newest maxLinesPerServer lines of a server, and applies retention, in batches", async () => {
    const busy = await serverWithLines(1_000);
    const old = await serverWithLines(300, new Date(Date.now() - 40 * 86_400_000));
    const hub = await startHub({
      purge: { batch: 64, pauseMs: 0, maxLinesPerServer: 100 },
      retentionDays: 30,
    });
    await hub.purger.kick();
    await hub.purger.kick();
    expect(await count(busy)).toBe(100);
    const seqs = (await t.db.consoleLine.findMany({ where: { serverId: busy }, select: { seq: true } })).map(
      (r) => r.seq,
    );
    expect(Math.min(...seqs)).toBe(901);
    expect(await count(old)).toBe(0);
  });

  it("retention deletes a server's old lines oldest first, in batches, and keeps every newer one", async () => {
    // 150 lines past retention (seqs 1-150), then 70 recent ones: three batches of 64 reach them.
    const mixed = await serverWithLines(220, new Date(), {
      count: 150,
      at: new Date(Date.now() - 40 * 86_400_000),
    });
    const hub = await startHub({ purge: { batch: 64, pauseMs: 0 }, retentionDays: 30 });
    await hub.purger.kick();
    const seqs = (await t.db.consoleLine.findMany({ where: { serverId: mixed }, select: { seq: true } })).map(
      (r) => r.seq,
    );
    expect(seqs.length).toBe(70);
    expect(Math.min(...seqs)).toBe(151);
  });
});
