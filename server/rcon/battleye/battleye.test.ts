/** Loopback integration: the real connection (UDP socket, timers) against the emulator. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parsePlayers } from "../protocol/battleye/dialects/parsers.ts";
import { bindUdp } from "../transport/udp.ts";
import type { ConnectionOptions, RconConnection, RconEvent } from "../types.ts";
import { startBattlEyeEmulator, type RunningBattlEyeEmulator } from "../emulators/battleye/emulator.ts";
import { createBattlEyeConnection, family } from "./index.ts";
import type { ClientTiming } from "../protocol/battleye/client.ts";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function emulator(...args: Parameters<typeof startBattlEyeEmulator>): Promise<RunningBattlEyeEmulator> {
  const running = await startBattlEyeEmulator(...args);
  cleanups.push(() => running.close());
  return running;
}

function connect(options: Partial<ConnectionOptions> & { port: number }, tuning: Partial<ClientTiming> = {}) {
  const connection = createBattlEyeConnection({ host: "127.0.0.1", password: "secret", ...options }, tuning);
  const events: RconEvent[] = [];
  connection.on((e) => events.push(e));
  cleanups.push(() => connection.stop());
  connection.start();
  return { connection, events };
}

async function waitFor(check: () => boolean, what: string, timeoutMs = 8_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const online = (c: RconConnection) => waitFor(() => c.status.state === "online", "online");
const messages = (events: RconEvent[]) => events.flatMap((e) => (e.type === "server-message" ? [e] : []));

describe("BattlEye over loopback against the emulator", () => {
  it("logs in, lists players, and receives its own admin login as a typed event", async () => {
    const emu = await emulator({ password: "secret", players: 12, activity: 0, seed: 3 });
    const { connection, events } = connect({ port: emu.port });
    await online(connection);
    const players = await connection.dialect.operations.listPlayers((c, o) => connection.command(c, o));
    expect(players).toHaveLength(12);
    expect(players.every((p) => p.guid && p.state === "OK")).toBe(true);
    await waitFor(() => messages(events).length > 0, "admin login message");
    expect(messages(events)[0]!.event).toMatchObject({ kind: "admin.login", adminId: "0" });
  });

  it("reports a refused password once and never retries", async () => {
    const emu = await emulator({ password: "secret", activity: 0 });
    const { connection, events } = connect({
      port: emu.port,
      password: "wrong",
      backoff: { initialMs: 10, maxMs: 10, factor: 1, jitter: 0 },
    });
    await waitFor(() => connection.status.state === "auth_failed", "auth_failed");
    expect(connection.status.reason).toMatch(/login refused/);
    await new Promise((r) => setTimeout(r, 100));
    expect(events.filter((e) => e.type === "status" && e.status.state === "connecting")).toHaveLength(1);
    await expect(connection.command("players")).rejects.toMatchObject({ code: "NOT_CONNECTED" });
  });

  it("says plainly when nothing answers the login", async () => {
    const silent = await bindUdp("127.0.0.1", 0, { onDatagram: () => {}, onError: () => {} });
    cleanups.push(() => silent.close());
    const { connection } = connect(
      { port: silent.port, reconnect: false, connectTimeoutMs: 300 },
      { loginRetryMs: 100 },
    );
    await waitFor(() => connection.status.state === "unreachable", "unreachable");
    expect(connection.status.reason).toBe(
      `no answer to login from 127.0.0.1:${silent.port} — RCon disabled, wrong port, or server still loading`,
    );
  });

  it("reassembles a players answer sent in several parts", async () => {
    const emu = await emulator({ password: "secret", players: 40, activity: 0, extra: { "part-size": 256 } });
    const { connection } = connect({ port: emu.port });
    await online(connection);
    const text = await connection.command("players");
    expect(new TextEncoder().encode(text).length).toBeGreaterThan(3 * 256);
    expect(parsePlayers(text)).toHaveLength(40);
    expect(text.endsWith("(40 players in total)")).toBe(true);
  });

  it("kick and ban change the emulator's state and push the real messages; bans survive a restart via writeBans", async () => {
    const bansFile = path.join(mkdtempSync(path.join(tmpdir(), "be-bans-")), "bans.txt");
    const emu = await emulator({
      password: "secret",
      players: 5,
      activity: 0,
      seed: 9,
      extra: { "bans-file": bansFile },
    });
    const { connection, events } = connect({ port: emu.port });
    await online(connection);
    const run = (c: string) => connection.command(c);
    const ops = connection.dialect.operations;
    const [first, second] = await ops.listPlayers(run);
    await ops.kick(run, first!.id, "spam");
    await ops.ban(run, {
      target: { kind: "player", playerId: second!.id },
      minutes: null,
      reason: "cheating",
    });
    await ops.ban(run, { target: { kind: "ip", value: "203.0.113.7" }, minutes: 60, reason: "" });
    await waitFor(() => messages(events).some((m) => m.event?.kind === "player.banned"), "ban message");
    expect(messages(events).map((m) => m.event?.kind)).toEqual([
      "admin.login",
      "player.kicked",
      "player.banned",
    ]);
    expect(messages(events)[1]!.event).toMatchObject({ playerId: first!.id, reason: "Admin Kick (spam)" });
    expect((await ops.listPlayers(run)).map((p) => p.id)).not.toContain(second!.id);
    const bans = await ops.listBans(run);
    expect(bans.map((b) => [b.kind, b.value, b.minutesLeft])).toEqual([
      ["guid", second!.guid, null],
      ["ip", "203.0.113.7", 60],
    ]);

    await emu.close();
    const restarted = await emulator({
      password: "secret",
      players: 0,
      activity: 0,
      port: emu.port,
      extra: { "bans-file": bansFile },
    });
    expect(restarted.bans.map((b) => b.value)).toEqual([second!.guid, "203.0.113.7"]);
    await connection.stop();

    const again = connect({ port: restarted.port }).connection;
    await online(again);
    await again.dialect.operations.unban((c) => again.command(c), { kind: "guid", value: second!.guid! });
    expect(
      (await again.dialect.operations.listBans((c) => again.command(c))).map((b) => b.ref + b.value),
    ).toEqual(["0203.0.113.7"]);
  });

  it("under 30% loss with duplication and reordering: 1,000 commands all answered, no duplicated event, no disconnect", async () => {
    const emu = await emulator(
      {
        password: "secret",
        players: 8,
        activity: 20,
        seed: 11,
        extra: { loss: 0.3, duplicate: 0.1, reorder: 0.2, "part-size": 256 },
      },
      // Loopback timing: re-send every 30 ms instead of 2 s, and enough tries that 30% loss each way
      // (an acknowledged message needs both directions) does not drop us by bad luck.
      { messageRetryMs: 30, messageAttempts: 25, maxDelayMs: 15 },
    );
    const { connection, events } = connect(
      { port: emu.port, connectTimeoutMs: 5_000 },
      { retransmitMs: 30, loginRetryMs: 50, maxInFlight: 32 },
    );
    await online(connection);
    const statusesBefore = events.filter((e) => e.type === "status").length;

    const commands = Array.from({ length: 1000 }, (_, i) =>
      i % 10 === 0 ? `say -1 note ${i}` : ["players", "bans", "admins", "missions", "version"][i % 5]!,
    );
    let next = 0;
    const answers: string[] = new Array<string>(commands.length);
    async function worker(): Promise<void> {
      while (next < commands.length) {
        const i = next++;
        answers[i] = await connection.command(commands[i]!, { timeoutMs: 15_000 });
      }
    }
    await Promise.all(Array.from({ length: 32 }, worker));

    commands.forEach((command, i) => {
      const answer = answers[i]!;
      if (command === "players") expect(answer).toMatch(/^Players on server:[\s\S]*players in total\)$/);
      else if (command === "version") expect(answer).toBe("BattlEye Server: (v1.220) RconDeck emulator");
      else if (command === "missions") expect(answer.startsWith("Missions on server:")).toBe(true);
      else if (command.startsWith("say")) expect(answer).toBe("");
    });

    // Every message the emulator decided to send arrives exactly once (re-sends included).
    emu.stopActivity();
    const sent = emu.messageLog.map((m) => m.text);
    await waitFor(() => messages(events).length >= sent.length, "all messages delivered");
    const received = messages(events).map((m) => m.text);
    expect([...received].sort()).toEqual([...sent].sort());
    for (let i = 0; i < 1000; i += 10) {
      expect(received.filter((t) => t === `RCon admin #0: (Global) note ${i}`)).toHaveLength(1);
    }
    expect(sent.length).toBeGreaterThan(100);
    // The faults really happened: answers were re-sent from the cache and messages were repeated.
    expect(emu.server.stats.repeatedCommands).toBeGreaterThan(100);
    expect(emu.server.stats.messageResends).toBeGreaterThan(30);
    expect(emu.commandsExecuted).toBe(1000);
    expect(emu.droppedPeers).toEqual([]);
    expect(events.filter((e) => e.type === "status")).toHaveLength(statusesBefore);
    expect(connection.status.state).toBe("online");
  }, 60_000);

  it("recovers by itself after the server restarts", async () => {
    const first = await emulator({ password: "secret", activity: 0, players: 2 });
    const { connection, events } = connect(
      { port: first.port, backoff: { initialMs: 50, maxMs: 200, factor: 2, jitter: 0 } },
      { keepAliveMs: 200, deadAfterMs: 800, retransmitMs: 100 },
    );
    await online(connection);
    await first.close();
    const second = await emulator({ password: "secret", activity: 0, players: 3, port: first.port });
    await waitFor(
      () => events.some((e) => e.type === "status" && e.status.state === "unreachable"),
      "the loss noticed",
    );
    await online(connection);
    expect(parsePlayers(await connection.command("players"))).toHaveLength(3);
    expect(second.server.loggedInPeers()).toHaveLength(1);
  });

  it("simulated players connect, get and verify GUIDs, chat and leave, all as typed events", async () => {
    const emu = await emulator({ password: "secret", players: 4, activity: 0, seed: 5 });
    const { connection, events } = connect({ port: emu.port });
    await online(connection);
    emu.simulateActivity(300);
    await waitFor(() => messages(events).length === emu.messageLog.length, "activity messages");
    const typed = messages(events).map((m) => m.event);
    expect(typed.every((e) => e !== null)).toBe(true);
    const kinds = new Set(typed.map((e) => (e?.kind === "player.guid" ? `guid:${e.verified}` : e?.kind)));
    expect([...kinds].sort()).toEqual([
      "admin.login",
      "chat",
      "guid:false",
      "guid:true",
      "player.connected",
      "player.disconnected",
    ]);
    const players = await connection.dialect.operations.listPlayers((c) => connection.command(c));
    expect(players.map((p) => p.id).sort()).toEqual([...emu.players.keys()].map(String).sort());
  });

  it("a player's chat is pushed to the logged-in admin as a typed chat event", async () => {
    const emu = await emulator({ password: "secret", players: 3, activity: 0, seed: 9 });
    const { connection, events } = connect({ port: emu.port });
    await online(connection);
    emu.simulateActivity(20); // GUIDs verified: players may speak
    expect(emu.playerChat("hold the bridge")).toBe(true);
    await waitFor(
      () => messages(events).some((m) => m.text.endsWith(": hold the bridge")),
      "the chat message",
    );
    const chat = messages(events).find((m) => m.text.endsWith(": hold the bridge"));
    expect(chat?.event).toMatchObject({ kind: "chat", channel: "Global", text: "hold the bridge" });
  });

  it("the family registers dialects and its password rule", () => {
    expect(family.dialects.map((d) => d.id)).toContain("dayz");
    expect(family.checkPassword("")).toMatch(/needs a password/);
    expect(family.checkPassword("ok")).toBeNull();
  });
});
