/**
 * The emulator registry: every protocol family has an emulator that starts on loopback and serves a
 * real connection, games are found by id or alias (an unknown one is refused with the known ids,
 * whatever the family), and each family declares its own flags.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { loadFamily } from "../registry.ts";
import { PROTOCOL_IDS, type ProtocolId } from "../types.ts";
import { emulatorFlags, findEmulatedDialect, startEmulator } from "./registry.ts";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A command every family's emulator answers with some text. */
const PROBE: Record<ProtocolId, string> = {
  source: "status",
  battleye: "players",
  quake3: "status",
  webrcon: "serverinfo",
};

describe("emulator registry", () => {
  it.each(PROTOCOL_IDS)(
    "starts the %s emulator with the family's default game and serves a connection",
    async (protocol) => {
      const family = await loadFamily(protocol);
      const emulator = await startEmulator(protocol, {
        password: "reg-pw",
        players: 2,
        activity: 0,
        seed: 4,
      });
      cleanups.push(() => emulator.close());
      expect(emulator.protocol).toBe(protocol);
      expect(emulator.game).toBe(family.defaultDialect);
      expect(emulator.host).toBe("127.0.0.1");
      expect(emulator.port).toBeGreaterThan(0);

      const connection = family.createConnection({
        host: emulator.host,
        port: emulator.port,
        password: "reg-pw",
        reconnect: false,
      });
      cleanups.push(() => connection.stop());
      connection.start();
      await vi.waitFor(() => expect(connection.status.state).toBe("online"), {
        timeout: 5_000,
        interval: 10,
      });
      expect(await connection.command(PROBE[protocol])).not.toBe("");
      expect(emulator.sessions()).toHaveLength(1);
    },
  );

  it("finds a game by id or alias and starts the emulator under the dialect's id", async () => {
    expect((await findEmulatedDialect("webrcon", "rust")).id).toBe("rust-webrcon");
    expect((await findEmulatedDialect("source", "tf2")).id).toBe("tf2");
    expect((await findEmulatedDialect("quake3", undefined)).id).toBe("openarena");
    const rust = await startEmulator("webrcon", { password: "pw", game: "rust", players: 0, activity: 0 });
    cleanups.push(() => rust.close());
    expect(rust.game).toBe("rust-webrcon");
  });

  it.each([
    { protocol: "source", known: "cs2" },
    { protocol: "battleye", known: "arma3, dayz" },
    { protocol: "quake3", known: "openarena" },
    { protocol: "webrcon", known: "rust-webrcon" },
  ] satisfies { protocol: ProtocolId; known: string }[])(
    "refuses an unknown $protocol game with the known ids",
    async ({ protocol, known }) => {
      const refused = startEmulator(protocol, { password: "pw", game: "pong" });
      await expect(refused).rejects.toThrow(`unknown game "pong" for ${protocol}; known: `);
      await expect(refused).rejects.toThrow(known);
    },
  );

  it("declares each family's own flags", async () => {
    expect(Object.keys(await emulatorFlags("battleye"))).toEqual(
      expect.arrayContaining(["loss", "duplicate", "reorder", "part-size", "bans-file"]),
    );
    expect(Object.keys(await emulatorFlags("source"))).toEqual(
      expect.arrayContaining(["ban-after", "ban-minutes", "delay", "ignore-bans"]),
    );
    expect(Object.keys(await emulatorFlags("quake3"))).toEqual(
      expect.arrayContaining(["bots", "map", "hostname", "max-clients"]),
    );
    expect(Object.keys(await emulatorFlags("webrcon"))).toEqual(expect.arrayContaining(["delay", "map"]));
    for (const protocol of PROTOCOL_IDS) {
      for (const flag of Object.values(await emulatorFlags(protocol))) expect(flag.description).not.toBe("");
    }
  });

  it("passes a family's flags through `extra`", async () => {
    const q3 = await startEmulator("quake3", {
      password: "pw",
      players: 0,
      activity: 0,
      extra: { bots: "Sarge, Grism", map: "oa_dm4" },
    });
    cleanups.push(() => q3.close());
    const connection = (await loadFamily("quake3")).createConnection({
      host: q3.host,
      port: q3.port,
      password: "pw",
      reconnect: false,
    });
    cleanups.push(() => connection.stop());
    connection.start();
    await vi.waitFor(() => expect(connection.status.state).toBe("online"), { timeout: 5_000, interval: 10 });
    const status = await connection.command("status");
    expect(status).toContain("map: oa_dm4");
    expect(status).toContain("Sarge");
    expect(status).toContain("Grism");
  });
});
