/**
 * Demo mode: on a database with no servers (and unless someone removed a demo server before),
 * start three emulated game servers in this process on loopback (BattlEye Arma 3, Source CS2,
 * Quake 3 OpenArena, from server/rcon/emulators/) and add them as "Demo" servers with random
 * passwords, encrypted like any other. On later starts the emulators of existing demo servers are
 * started again (on new ports, written back to the rows) before the hub connects.
 */
import { randomBytes } from "node:crypto";
import { isDemoDisabled } from "../data/settings.ts";
import { createDemoServer, listDemoServers, setDemoServerPort } from "../data/servers.ts";
import type { Db } from "../db/client.ts";
import { startEmulator } from "../rcon/emulators/registry.ts";
import type { EmulatorOptions, RunningEmulator } from "../rcon/emulators/types.ts";
import type { Logger, ProtocolId } from "../rcon/types.ts";

export interface DemoPreset {
  name: string;
  protocol: ProtocolId;
  game: string;
  players: number;
  extra?: EmulatorOptions["extra"];
  /** Receives the game's log stream (the demo's live chat on CS2; docs/game-logs.md). */
  gameLogs?: boolean;
}

export const DEMO_PRESETS: readonly DemoPreset[] = [
  { name: "Demo · Arma 3 (BattlEye)", protocol: "battleye", game: "arma3", players: 10 },
  { name: "Demo · Counter-Strike 2 (Source)", protocol: "source", game: "cs2", players: 10, gameLogs: true },
  {
    name: "Demo · OpenArena (Quake 3)",
    protocol: "quake3",
    game: "openarena",
    players: 6,
    extra: { bots: "Sarge,Grism" },
  },
];

export interface DemoMode {
  /** Stops the emulator behind a removed demo server. */
  stopFor(serverId: string): Promise<void>;
  close(): Promise<void>;
}

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

async function startDemoEmulator(
  preset: Pick<DemoPreset, "protocol" | "game" | "players" | "extra">,
  password: string,
  seed: number,
): Promise<RunningEmulator> {
  return startEmulator(preset.protocol, {
    host: "127.0.0.1",
    port: 0,
    password,
    game: preset.game,
    players: preset.players,
    seed,
    activity: 1,
    logger: silent,
    ...(preset.extra ? { extra: preset.extra } : {}),
  });
}

export async function startDemoMode(options: {
  db: Db;
  encryptionKey: Buffer;
  logger: Logger;
  enabled: boolean;
}): Promise<DemoMode> {
  const { db, encryptionKey, logger } = options;
  const emulators = new Map<string, RunningEmulator>();
  const mode: DemoMode = {
    async stopFor(serverId) {
      const emulator = emulators.get(serverId);
      emulators.delete(serverId);
      await emulator?.close();
    },
    async close() {
      const all = [...emulators.values()];
      emulators.clear();
      await Promise.allSettled(all.map((e) => e.close()));
    },
  };
  if (!options.enabled) return mode;

  let existing: Awaited<ReturnType<typeof listDemoServers>>;
  try {
    existing = await listDemoServers(db, encryptionKey);
  } catch (error) {
    logger.warn("demo servers cannot be restarted (stored passwords unreadable)", {
      error: String(error).slice(0, 200),
    });
    return mode;
  }
  if (existing.length > 0) {
    for (const [index, server] of existing.entries()) {
      const preset = DEMO_PRESETS.find((p) => p.game === server.game);
      if (!preset) continue;
      try {
        const emulator = await startDemoEmulator(preset, server.password, Date.now() + index);
        emulators.set(server.id, emulator);
        await setDemoServerPort(db, server.id, emulator.port);
      } catch (error) {
        logger.warn("demo emulator failed to start", {
          server: server.name,
          error: String(error).slice(0, 200),
        });
      }
    }
    logger.info("demo mode: emulated servers restarted", { count: emulators.size });
    return mode;
  }
  if ((await db.server.count()) > 0 || (await isDemoDisabled(db))) return mode;
  for (const [index, preset] of DEMO_PRESETS.entries()) {
    const password = randomBytes(12).toString("base64url");
    const emulator = await startDemoEmulator(preset, password, Date.now() + index);
    const server = await createDemoServer(db, encryptionKey, {
      name: preset.name,
      game: preset.game,
      protocol: preset.protocol,
      host: "127.0.0.1",
      port: emulator.port,
      password,
      gameLogs: preset.gameLogs ?? false,
    });
    emulators.set(server.id, emulator);
  }
  logger.info("demo mode: three emulated game servers added (DEMO=0 turns this off)", {
    count: emulators.size,
  });
  return mode;
}
