import { describe, expect, it } from "vitest";
import { findQuake3Dialect } from "../../protocol/quake3/dialects/index.ts";
import type { Quake3Dialect } from "../../protocol/quake3/dialects/common.ts";
import { FakeClock } from "../../testing/fake-clock.ts";
import { Quake3Emulator, tokenize } from "./emulator.ts";
import type { RconConnection } from "../../types.ts";
import { family, queryServer } from "../../quake3/index.ts";
import { startEmulator } from "../registry.ts";

/** Resolves once the connection has left "connecting". */
function settled(connection: RconConnection): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (connection.status.state !== "connecting" && connection.status.state !== "idle") {
        off();
        resolve();
      }
    };
    const off = connection.on(check);
    check();
  });
}

const dialect = (id: string) => findQuake3Dialect(id) as Quake3Dialect;

describe("quake3 emulator", () => {
  it("tokenizes like Cmd_TokenizeString", () => {
    expect(tokenize('say "quoted" mid "q" end')).toEqual(["say", "quoted", "mid", "q", "end"]);
    expect(tokenize("say http://x.y")).toEqual(["say", "http:"]);
    expect(tokenize("say /*c*/ x")).toEqual(["say", "x"]);
    expect(tokenize("  ")).toEqual([]);
  });

  it("players join and leave over time, reproducibly from the seed", () => {
    const run = (seed: number) => {
      const clock = new FakeClock();
      const emulator = new Quake3Emulator({
        dialect: dialect("openarena"),
        password: "secret",
        players: 3,
        seed,
        clock,
      });
      const timeline: string[] = [];
      for (let i = 0; i < 20; i++) {
        emulator.simulateOnce();
        timeline.push(emulator.players.map((p) => `${p.slot}:${p.name}`).join(","));
      }
      return timeline;
    };
    const first = run(42);
    expect(run(42)).toEqual(first);
    expect(new Set(first).size).toBeGreaterThan(3);
  });

  it("player chat only reaches the game's own chat: Quake 3 pushes nothing over rcon", () => {
    const emulator = new Quake3Emulator({
      dialect: dialect("openarena"),
      password: "secret",
      players: 3,
      seed: 1,
      clock: new FakeClock(),
    });
    expect(emulator.playerChat("gg")).toBe(false);
    expect(emulator.chat.at(-1)).toMatch(/: gg$/);
  });

  it("refuses banned addresses (engine CIDR bans and game-module masks)", async () => {
    const emulator = await startEmulator("quake3", { password: "secret", players: 0, activity: 0 });
    const connection = family.createConnection({
      host: emulator.host,
      port: emulator.port,
      password: "secret",
      reconnect: false,
    });
    try {
      connection.start();
      await settled(connection);
      expect(await connection.command("banaddr 192.0.2.0/24")).toBe("Added ban: 192.0.2.0/24\n");
      expect(await connection.command("addip 10.1.*.*")).toBe("");
      const banned = emulator.isBanned.bind(emulator);
      expect(banned("192.0.2.77:27960")).toBe(true);
      expect(banned("192.0.3.1:27960")).toBe(false);
      expect(banned("10.1.200.3:1")).toBe(true);
      expect(banned("bot")).toBe(false);
    } finally {
      await connection.stop();
      await emulator.close();
    }
  });

  it("serves getstatus/getinfo and rcon for each game, with the game's texts", async () => {
    for (const [game, badPassword, header] of [
      ["openarena", "Bad rconpassword.", "cl score ping name"],
      ["q3", "Bad rconpassword.", "num score ping name            lastmsg"],
      ["cod4", "Invalid password.", "num score ping guid"],
      [
        "etlegacy",
        "Bad rconpassword",
        "num score ping name            lastmsg address               qport rate  lastConnectTime",
      ],
    ] as const) {
      const emulator = await startEmulator("quake3", {
        password: "secretpass",
        game,
        players: 2,
        activity: 0,
        seed: 5,
      });
      try {
        const summary = await queryServer(emulator.host, emulator.port, { dialect: dialect(game) });
        expect(summary).toMatchObject({ plainHostname: "Red Test Server", maxClients: 16, clients: 2 });
        const good = family.createConnection({
          host: emulator.host,
          port: emulator.port,
          password: "secretpass",
          dialect: game,
          reconnect: false,
        });
        good.start();
        await settled(good);
        expect(good.status.state).toBe("online");
        expect(await good.command("status")).toContain(header);
        const players = await good.dialect.operations.listPlayers((c, o) => good.command(c, o));
        expect(players).toHaveLength(2);
        await good.dialect.operations.kick((c, o) => good.command(c, o), players[0]?.id ?? "", "");
        expect(await good.dialect.operations.listPlayers((c, o) => good.command(c, o))).toHaveLength(1);
        await good.stop();
        const bad = family.createConnection({
          host: emulator.host,
          port: emulator.port,
          password: "wrongpass",
          dialect: game,
          reconnect: false,
        });
        bad.start();
        await settled(bad);
        expect(bad.status.state).toBe("auth_failed");
        expect(bad.status.reason).toContain(badPassword);
        await bad.stop();
      } finally {
        await emulator.close();
      }
    }
  });
});
