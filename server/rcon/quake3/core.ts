/**
 * A Quake 3 client core for one server and dialect, as the rcon session and queryServer() build it.
 */
import type { Clock } from "../clock.ts";
import { Quake3Client } from "../protocol/quake3/client.ts";
import type { Quake3Dialect } from "../protocol/quake3/dialects/common.ts";
import { Pacer, type PacingRule } from "../protocol/quake3/pacing.ts";
import type { TextCodec } from "../protocol/text.ts";

export interface Quake3CoreSetup {
  host: string;
  port: number;
  dialect: Quake3Dialect;
  codec: TextCodec;
  clock: Clock;
  loginTimeoutMs: number;
}

export function createQuake3Core(setup: Quake3CoreSetup): Quake3Client {
  const profile = setup.dialect.quake3;
  return new Quake3Client({
    codec: setup.codec,
    pacer: sharedPacer(setup.clock, setup.host, setup.port, profile.pacing),
    quietMs: profile.quietMs,
    framing: profile.framing,
    probeCommand: profile.probeCommand,
    loginTimeoutMs: setup.loginTimeoutMs,
    readOnlyCommands: profile.readOnlyCommands,
  });
}

/**
 * Servers rate-limit per source address, not per socket: every client core of this process that
 * talks to the same server (its rcon session, queryServer) must share one Pacer. Keyed by clock
 * too, so fake-clock tests stay isolated.
 */
const pacers = new WeakMap<Clock, Map<string, Pacer>>();

export function sharedPacer(clock: Clock, host: string, port: number, rule: PacingRule): Pacer {
  let byServer = pacers.get(clock);
  if (!byServer) {
    byServer = new Map();
    pacers.set(clock, byServer);
  }
  const key = `${host}:${port}:${JSON.stringify(rule)}`;
  let pacer = byServer.get(key);
  if (!pacer) {
    pacer = new Pacer(rule);
    byServer.set(key, pacer);
  }
  return pacer;
}
