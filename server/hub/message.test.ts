/**
 * Messaging a player on CS2 (no private messages: a broadcast addressed to the player) whose name
 * contains '"', end to end: hub, dialect, a real connection and the CS2 emulator on loopback.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { startEmulator } from "../rcon/emulators/registry.ts";
import type { SourceEmulator } from "../rcon/emulators/source/emulator.ts";
import { encryptSecret } from "../security/crypto.ts";
import { createSqliteTestDatabase, type TestDatabase } from "../testing/databases.ts";
import { ConnectionHub } from "./hub.ts";

const KEY = Buffer.alloc(32, 7);
const silent = { debug() {}, info() {}, warn() {}, error() {} };
const actor = { id: "u1", name: "Alice" };

describe("messaging a player whose name the game cannot quote", () => {
  let t: TestDatabase;
  let emulator: SourceEmulator;
  let hub: ConnectionHub;
  let serverId: string;

  beforeAll(async () => {
    t = await createSqliteTestDatabase();
  });
  afterEach(async () => {
    await hub.stop();
    await emulator.close();
  });
  afterAll(async () => t.drop());

  async function start(game: string, name: string): Promise<string> {
    emulator = await startEmulator("source", {
      password: "pw",
      port: 0,
      game,
      players: 2,
      activity: 0,
      seed: 3,
    });
    const player = emulator.world.humans[0];
    if (!player) throw new Error("the emulator has no human player");
    player.name = name;
    const row = await t.db.server.create({
      data: {
        name: game,
        game,
        protocol: "source",
        host: "127.0.0.1",
        port: emulator.port,
        passwordEncrypted: encryptSecret("pw", KEY),
        pollIntervalSeconds: 1,
      },
    });
    serverId = row.id;
    hub = new ConnectionHub({
      db: t.db,
      encryptionKey: KEY,
      logger: silent,
      connectionOptions: { connectTimeoutMs: 2_000, commandTimeoutMs: 2_000 },
      history: { intervalMs: 20 },
      watchedPollMs: 100,
    });
    await hub.start();
    await vi.waitFor(() => expect(hub.players(serverId).some((p) => p.name === name)).toBe(true), {
      timeout: 5_000,
    });
    const id = hub.players(serverId).find((p) => p.name === name)?.id;
    if (!id) throw new Error("player not listed");
    return id;
  }

  it.each(["cs2", "tf2"])(
    "%s: the message goes out with the name's quote replaced, and the moderator is told",
    async (game) => {
      const playerId = await start(game, 'The "Boss"');
      const result = await hub.message(serverId, actor, playerId, "please stop camping");
      expect(result.whisper).toBe(false);
      expect(result.message).toBe(
        `This game cannot message one player: sent to everyone, addressed to The "Boss" (written "The 'Boss'": the game cannot show some characters of the name).`,
      );
      expect(emulator.world.chat.at(-1)).toBe("Console: The 'Boss': please stop camping");
    },
  );

  it("cs2: a quote in the moderator's own text is refused and blamed on the message, nothing is sent", async () => {
    const playerId = await start("cs2", 'The "Boss"');
    const before = emulator.world.chat.length;
    await expect(hub.message(serverId, actor, playerId, 'say "hi"')).rejects.toMatchObject({
      code: "INVALID_INPUT",
      message: `That text cannot be sent safely: message must not contain '"'`,
    });
    expect(emulator.world.chat.length).toBe(before);
  });
});
