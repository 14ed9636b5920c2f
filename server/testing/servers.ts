/**
 * Server rows for tests that need a server id to point at (access grants, leases) and never
 * connect to it: a CS2 server on loopback with a placeholder for the encrypted password.
 */
import type { Db } from "../db/client.ts";

export async function createServerRows(db: Db, ids: readonly string[]): Promise<void> {
  for (const id of ids)
    await db.server.create({
      data: {
        id,
        name: id,
        game: "cs2",
        protocol: "source",
        host: "127.0.0.1",
        port: 27015,
        passwordEncrypted: "x",
      },
    });
}
