import { afterEach, describe, expect, it, vi } from "vitest";
import { FakeClock } from "../../testing/fake-clock.ts";
import type { RconConnection, RconEvent } from "../../types.ts";
import type { SourceEmulator } from "./emulator.ts";
import { family } from "../../source/index.ts";
import { startEmulator } from "../registry.ts";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function start(options: {
  game: string;
  seed?: number;
  clock?: FakeClock;
  activity?: number;
  players?: number;
}): Promise<SourceEmulator> {
  const emu = await startEmulator("source", { password: "pw", players: 6, ...options });
  cleanups.push(() => emu.close());
  return emu;
}

describe("Source emulator", () => {
  it("is reproducible from a seed", async () => {
    const a = await start({ game: "tf2", seed: 5, activity: 0 });
    const b = await start({ game: "tf2", seed: 5, activity: 0 });
    const c = await start({ game: "tf2", seed: 6, activity: 0 });
    const names = (e: SourceEmulator) => e.world.players.map((p) => p.name);
    expect(names(a)).toEqual(names(b));
    expect(names(a)).not.toEqual(names(c));
  });

  it("players join, leave and chat over time, driven by the clock and `activity`", async () => {
    const clock = new FakeClock();
    const emu = await start({ game: "tf2", seed: 1, clock, activity: 1 });
    const seen = new Set(emu.world.players.map((p) => p.userid));
    const before = [...seen];
    for (let i = 0; i < 60; i++) clock.advance(8_000);
    const now = emu.world.players.map((p) => p.userid);
    expect(now.some((id) => !seen.has(id))).toBe(true); // someone joined
    expect(before.some((id) => !now.includes(id))).toBe(true); // someone left
    expect(emu.world.chat.length).toBeGreaterThan(0);
    expect(emu.world.humans.length).toBeLessThanOrEqual(8 + 2);

    const frozen = await start({ game: "tf2", seed: 1, clock, activity: 0 });
    const snapshot = frozen.world.players.map((p) => p.userid);
    clock.advance(600_000);
    expect(frozen.world.players.map((p) => p.userid)).toEqual(snapshot);
  });

  it("uses names each game accepts and keeps awkward names elsewhere", async () => {
    const mc = await start({ game: "minecraft", seed: 2, activity: 0, players: 12 });
    expect(mc.world.players.every((p) => /^[A-Za-z0-9_]{3,16}$/.test(p.name))).toBe(true);
    const tf2 = await start({ game: "tf2", seed: 2, activity: 0, players: 12 });
    expect(tf2.world.players.some((p) => /[^\x20-\x7e]/.test(p.name))).toBe(true);
  });

  it("squad pushes chat to logged-in clients, which the connection types as chat events", async () => {
    const emu = await start({ game: "squad", seed: 3, activity: 50 });
    const connection: RconConnection = family.createConnection({
      host: emu.host,
      port: emu.port,
      password: "pw",
      dialect: "squad",
      reconnect: false,
    });
    cleanups.push(() => connection.stop());
    const events: RconEvent[] = [];
    connection.on((e) => events.push(e));
    connection.start();
    await vi.waitFor(() => expect(events.some((e) => e.type === "server-message")).toBe(true), {
      timeout: 5000,
      interval: 10,
    });
    const message = events.find((e) => e.type === "server-message");
    expect(message).toMatchObject({ event: { kind: "chat", channel: "All" } });
  });

  it("changing the password drops every RCON connection, like SRCDS", async () => {
    const emu = await start({ game: "tf2", activity: 0 });
    const connection = family.createConnection({
      host: emu.host,
      port: emu.port,
      password: "pw",
      dialect: "tf2",
      reconnect: false,
    });
    cleanups.push(() => connection.stop());
    connection.start();
    await vi.waitFor(() => expect(connection.status.state).toBe("online"));
    emu.setPassword("new");
    await vi.waitFor(() => expect(connection.status.state).toBe("unreachable"));
  });

  it("refuses unknown games and bad flags with a clear message", async () => {
    await expect(startEmulator("source", { password: "pw", game: "pong" })).rejects.toThrow(
      /unknown game "pong"/,
    );
    await expect(
      startEmulator("source", { password: "pw", game: "tf2", extra: { delay: -1 } }),
    ).rejects.toThrow(/--delay/);
  });
});
