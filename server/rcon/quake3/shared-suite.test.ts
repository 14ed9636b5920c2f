/**
 * One suite, two targets: Debian's real OpenArena server and our emulator must behave the same
 * through RconDeck's connection (status, cvarlist splitting, kick by slot, engine bans, say
 * sanitising, wrong password, pacing under a burst). The real server is required: when its binary
 * is missing the suite fails with the install command.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator } from "../emulators/registry.ts";
import type { RconConnection, RconEvent, RunCommand } from "../types.ts";
import { family } from "./index.ts";
import { startOpenArena } from "./testing/openarena-server.ts";

const BOTS = ["Grism", "Sarge", "Angelyss", "Gargoyle"] as const;
const PASSWORD = "secret";

interface Target {
  name: string;
  start(): Promise<{ host: string; port: number; stop(): Promise<void> }>;
}

const targets: Target[] = [
  {
    name: "real OpenArena 0.8.8",
    start: () => startOpenArena({ bots: BOTS, password: PASSWORD }),
  },
  {
    name: "emulator",
    async start() {
      const emulator = await startEmulator("quake3", {
        password: PASSWORD,
        game: "openarena",
        players: 0,
        activity: 0,
        seed: 7,
        extra: { bots: BOTS.join(",") },
      });
      return { host: emulator.host, port: emulator.port, stop: () => emulator.close() };
    },
  },
];

function waitForState(connection: RconConnection, states: readonly string[]): Promise<void> {
  if (states.includes(connection.status.state)) return Promise.resolve();
  return new Promise((resolve) => {
    const off = connection.on((event) => {
      if (event.type === "status" && states.includes(event.status.state)) {
        off();
        resolve();
      }
    });
  });
}

// The two targets run side by side (each is paced by its own server's rate limit); inside a
// target the tests are sequential because they share one server's state.
describe.concurrent.each(targets)("quake3 against $name", (target) => {
  describe.sequential("shared suite", () => {
    let server: { host: string; port: number; stop(): Promise<void> };
    let connection: RconConnection;
    let run: RunCommand;

    beforeAll(async () => {
      server = await target.start();
      connection = family.createConnection({
        host: server.host,
        port: server.port,
        password: PASSWORD,
        dialect: "openarena",
        reconnect: false,
      });
      connection.start();
      await waitForState(connection, ["online", "auth_failed", "unreachable"]);
      expect(connection.status.state).toBe("online");
      run = (command, options) => connection.command(command, options);
    }, 60_000);

    afterAll(async () => {
      await connection?.stop();
      await server?.stop();
    });

    it("status lists the bots", async () => {
      const players = await connection.dialect.operations.listPlayers(run);
      expect(players.map((p) => p.plainName).sort()).toEqual([...BOTS].sort());
      for (const player of players) {
        expect(player).toMatchObject({ isBot: true, address: "bot", ping: 0 });
        expect(player.id).toMatch(/^\d+$/);
      }
    });

    it("cvarlist arrives complete over many datagrams", async () => {
      const text = await run("cvarlist");
      const total = /\n(\d+) total cvars\n/.exec(text);
      expect(total).not.toBeNull();
      const cvarLines = text.split("\n").filter((line) => /^.{9} \S+ ".*"$/.test(line));
      expect(cvarLines.length).toBe(Number(total?.[1]));
      // Far more than one 1008-byte datagram: the reassembly really joined several.
      expect(text.length).toBeGreaterThan(5_000);
    });

    it("kicking a bot by slot removes it and only it", async () => {
      const before = await connection.dialect.operations.listPlayers(run);
      const victim = before.find((p) => p.plainName === "Gargoyle");
      expect(victim).toBeDefined();
      const answer = await connection.dialect.operations.kick(run, victim?.id ?? "", "");
      expect(answer).toContain("Gargoyle^7 was kicked");
      const after = await connection.dialect.operations.listPlayers(run);
      expect(after.map((p) => p.plainName).sort()).toEqual(["Angelyss", "Grism", "Sarge"]);
      expect(await run("clientkick 15")).toBe("Client 15 is not active\n");
    });

    it("banaddr / listbans / bandel round-trip", async () => {
      const ops = connection.dialect.operations;
      expect(
        await ops.ban(run, { target: { kind: "ip", value: "192.0.2.0/24" }, minutes: null, reason: "" }),
      ).toBe("Added ban: 192.0.2.0/24\n");
      expect(
        await ops.ban(run, { target: { kind: "ip", value: "198.51.100.7" }, minutes: null, reason: "" }),
      ).toBe("Added ban: 198.51.100.7/32\n");
      expect(await run("listbans")).toBe("Ban #1: 192.0.2.0/24\nBan #2: 198.51.100.7/32\n");
      expect((await ops.listBans(run)).map((b) => b.value)).toEqual(["192.0.2.0/24", "198.51.100.7/32"]);
      // unban looks the shifting ban number up first.
      expect(await ops.unban(run, { kind: "ip", value: "198.51.100.7" })).toBe(
        "Deleting ban 198.51.100.7/32\n",
      );
      expect(await run("bandel 1")).toBe("Deleting ban 192.0.2.0/24\n");
      expect(await run("listbans")).toBe("");
      expect(await run("bandel 1")).toBe("Error: Invalid ban number given\n");
      // A bot has no address to ban.
      const bot = (await ops.listPlayers(run))[0];
      expect(
        await ops.ban(run, {
          target: { kind: "player", playerId: bot?.id ?? "0" },
          minutes: null,
          reason: "",
        }),
      ).toBe("Error: Can ban players connected via the internet only.\n");
    });

    it("say keeps colour codes, turns non-ASCII into dots and cannot inject a command", async () => {
      const ops = connection.dialect.operations;
      expect(await ops.sayAll(run, "^1R^2G^4B été")).toBe("console: ^1R^2G^4B .t.\n");
      // A newline would end the command on the server; sanitised it is part of the message.
      expect(await ops.sayAll(run, "a\nstatus")).toBe("console: a status\n");
      // `//` starts a comment in the server's tokenizer: sanitised, the URL survives.
      expect(await ops.sayAll(run, 'see http://x.y "now" 100%')).toBe(
        "console: see http:/ /x.y 'now' 100.\n",
      );
      const sarge = (await ops.listPlayers(run)).find((p) => p.plainName === "Sarge");
      expect(await ops.sayTo?.(run, sarge?.id ?? "", "psst")).toBe("console_tell: psst\n");
      await expect(run("say a\nstatus")).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    });

    it("a wrong password gives auth_failed once, without a retry loop", async () => {
      const wrong = family.createConnection({
        host: server.host,
        port: server.port,
        password: "wrong",
        dialect: "openarena",
      });
      const events: RconEvent[] = [];
      wrong.on((event) => events.push(event));
      wrong.start();
      await waitForState(wrong, ["auth_failed", "unreachable", "online"]);
      // Long enough for a reconnect attempt to show up if there were one (backoff starts at 1 s).
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const states = events.flatMap((e) => (e.type === "status" ? [e.status.state] : []));
      expect(states).toEqual(["connecting", "auth_failed"]);
      expect(wrong.status.reason).toContain("Bad rconpassword.");
      await expect(wrong.command("status")).rejects.toMatchObject({ code: "NOT_CONNECTED" });
      await wrong.stop();
    });

    it("a burst of 30 commands all get their own answers (pacing)", async () => {
      const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => run(`echo burst ${i}`)));
      expect(answers).toEqual(Array.from({ length: 30 }, (_, i) => `burst ${i}\n`));
    }, 60_000);
  });
});
