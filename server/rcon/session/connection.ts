/**
 * The one way a family builds its RconConnection: SupervisedConnection (status, backoff, auth_failed
 * never retried, write-gate fencing) whose sessions are openSession() over the family's core and
 * transport. A new family supplies a SessionSpec, never a driver.
 */
import { SupervisedConnection } from "../supervised-connection.ts";
import type { ClientCore } from "../protocol/core.ts";
import type { ConnectionOptions, Dialect, RconConnection } from "../types.ts";
import { openSession, type SessionSpec } from "./session.ts";

export function createSessionConnection<C extends ClientCore>(
  options: ConnectionOptions,
  dialect: Dialect,
  spec: Omit<SessionSpec<C>, "host" | "port" | "password" | "logger" | "writeGate" | "parseServerMessage">,
): RconConnection {
  const full: SessionSpec<C> = {
    ...spec,
    host: options.host,
    port: options.port,
    password: options.password,
    logger: options.logger,
    writeGate: options.writeGate,
    parseServerMessage: dialect.parseServerMessage?.bind(dialect),
  };
  return new SupervisedConnection({
    protocol: spec.protocol,
    dialect,
    clock: spec.clock,
    random: options.random,
    backoff: options.backoff,
    reconnect: options.reconnect,
    logger: options.logger,
    writeGate: options.writeGate,
    openSession: (context) => openSession(full, context),
  });
}
