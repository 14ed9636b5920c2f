/**
 * A real ConnectionHub for tests: game servers on loopback (emulators, hostile servers, closed
 * ports) stored the way the server form stores them, and a started hub that logs nothing.
 */
import type { Db } from "../db/client.ts";
import { ConnectionHub, type HubOptions } from "../hub/hub.ts";
import { encryptSecret } from "../security/crypto.ts";
import { silentLogger } from "./realtime.ts";

export interface LoopbackServer {
  port: number;
  name: string;
  game: string;
  protocol: string;
  /** The RCON password, stored encrypted with the hub's key ("pw" unless told). */
  password?: string;
  enabled?: boolean;
}

/** Stores a server at 127.0.0.1:`port` and returns its id. */
export async function createLoopbackServer(
  db: Db,
  encryptionKey: Buffer,
  { password = "pw", ...row }: LoopbackServer,
): Promise<string> {
  const server = await db.server.create({
    data: { ...row, host: "127.0.0.1", passwordEncrypted: encryptSecret(password, encryptionKey) },
  });
  return server.id;
}

/**
 * Stores a CS2 server the hub never connects to: its password is no real ciphertext, so the hub reports
 * it unreadable (auth_failed) and opens no connection. For tests of what surrounds the games.
 */
export async function createUnreadableServer(
  db: Db,
  name: string,
  port = 1,
  preset: { game: string; protocol: string } = { game: "cs2", protocol: "source" },
): Promise<string> {
  const server = await db.server.create({
    data: { name, ...preset, host: "h", port, passwordEncrypted: "v1.x.y.z" },
  });
  return server.id;
}

/** A started hub on `db` (silent unless given a logger); stop it when done. */
export async function startHub(
  db: Db,
  options: Omit<HubOptions, "db" | "logger"> & Partial<Pick<HubOptions, "logger">>,
): Promise<ConnectionHub> {
  const hub = new ConnectionHub({ db, logger: silentLogger, ...options });
  await hub.start();
  return hub;
}
