import type { RconConnection } from "../types.ts";

/**
 * Resolves when the connection is online; rejects when it gives up (wrong password, unreachable),
 * with the connection's reason. For tests and benchmarks that start a real connection.
 */
export function whenOnline(connection: RconConnection): Promise<void> {
  return new Promise((resolve, reject) => {
    const settled = () => {
      const state = connection.status.state;
      if (state === "online") resolve();
      else if (state === "auth_failed" || state === "unreachable")
        reject(new Error(connection.status.reason ?? state));
      else return false;
      return true;
    };
    if (settled()) return;
    const off = connection.on((event) => {
      if (event.type === "status" && settled()) off();
    });
  });
}
