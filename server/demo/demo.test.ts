import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { setDemoDisabled } from "../data/settings.ts";
import { ConnectionHub } from "../hub/hub.ts";
import { createSqliteTestDatabase, type TestDatabase } from "../testing/databases.ts";
import { startDemoMode, type DemoMode } from "./demo.ts";

const KEY = Buffer.alloc(32, 5);
const silent = { debug() {}, info() {}, warn() {}, error() {} };

describe("demo mode", () => {
  let t: TestDatabase;
  const running: { stop(): Promise<void> }[] = [];
  beforeEach(async () => {
    t = await createSqliteTestDatabase();
  });
  afterEach(async () => {
    for (const r of running.splice(0).reverse()) await r.stop();
    await t.drop();
  });
  const start = async (enabled = true): Promise<DemoMode> => {
    const demo = await startDemoMode({ db: t.db, encryptionKey: KEY, logger: silent, enabled });
    running.push({ stop: () => demo.close() });
    return demo;
  };

  it("adds three live demo servers to an empty database, restarts them on new ports later", async () => {
    const first = await start();
    const rows = await t.db.server.findMany({ orderBy: { createdAt: "asc" } });
    expect(rows.map((r) => [r.protocol, r.game, r.isDemo, r.host])).toEqual([
      ["battleye", "arma3", true, "127.0.0.1"],
      ["source", "cs2", true, "127.0.0.1"],
      ["quake3", "openarena", true, "127.0.0.1"],
    ]);
    expect(new Set(rows.map((r) => r.passwordEncrypted)).size).toBe(3);
    const hub = new ConnectionHub({ db: t.db, encryptionKey: KEY, logger: silent, watchedPollMs: 200 });
    running.push(hub);
    await hub.start();
    for (const r of rows) hub.watch(r.id);
    await vi.waitFor(
      () => expect(hub.statuses().map((s) => s.state)).toEqual(["online", "online", "online"]),
      { timeout: 10_000 },
    );
    await vi.waitFor(() => expect(rows.every((r) => hub.players(r.id).length > 0)).toBe(true), {
      timeout: 10_000,
    });
    await hub.stop();
    await first.close();

    // Next boot: same rows, emulators started again, ports written back.
    await start();
    const again = await t.db.server.findMany({ orderBy: { createdAt: "asc" } });
    expect(again.map((r) => r.id)).toEqual(rows.map((r) => r.id));
    const hub2 = new ConnectionHub({ db: t.db, encryptionKey: KEY, logger: silent });
    running.push(hub2);
    await hub2.start();
    await vi.waitFor(
      () => expect(hub2.statuses().map((s) => s.state)).toEqual(["online", "online", "online"]),
      { timeout: 10_000 },
    );
  });

  it("stays off with DEMO=0, with other servers, and once a demo server was removed", async () => {
    await start(false);
    expect(await t.db.server.count()).toBe(0);
    await setDemoDisabled(t.db, true);
    await start(true);
    expect(await t.db.server.count()).toBe(0);
    await setDemoDisabled(t.db, false);
    await t.db.server.create({
      data: { name: "Mine", game: "cs2", protocol: "source", host: "h", port: 1, passwordEncrypted: "x" },
    });
    await start(true);
    expect(await t.db.server.count()).toBe(1);
  });
});
