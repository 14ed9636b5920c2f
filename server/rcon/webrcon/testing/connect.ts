/**
 * What the WebRCON connection tests share: cleanups run after each test (newest first), a
 * connection of the family on loopback with short time limits and its events recorded, and
 * waiting for a condition that real sockets make true.
 */
import { afterEach } from "vitest";
import type { ConnectionOptions, RconConnection, RconEvent } from "../../types.ts";
import { family } from "../index.ts";

export type Cleanup = () => Promise<void>;

/** Registers afterEach in the calling test file; push what each test must close. */
export function cleanupsAfterEach(): Cleanup[] {
  const cleanups: Cleanup[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return cleanups;
}

/** Starts a WebRCON connection to 127.0.0.1:`port`; stopped by `cleanups`. */
export function connectWebRcon(
  cleanups: Cleanup[],
  port: number,
  options: Partial<ConnectionOptions> & { password: string },
): { connection: RconConnection; events: RconEvent[] } {
  const connection = family.createConnection({
    host: "127.0.0.1",
    port,
    connectTimeoutMs: 2000,
    commandTimeoutMs: 2000,
    random: () => 0.5,
    ...options,
  });
  const events: RconEvent[] = [];
  connection.on((event) => events.push(event));
  cleanups.push(() => connection.stop());
  connection.start();
  return { connection, events };
}

/** Polls `check` every 10 ms; fails naming `what` after about 5 s. */
export async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`gave up waiting for ${what}`);
}

export const online = (connection: RconConnection) =>
  until(() => connection.status.state === "online", "online");
