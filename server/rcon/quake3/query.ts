/**
 * `queryServer(host, port)`: getstatus + getinfo without a password, for the overview (name, map,
 * game type, max clients, players with score and ping) even when rcon is refused. Paced with the
 * same shared limiter as rcon, because ioq3 counts queries in the same per-address bucket.
 */
import { stripColourCodes } from "../../../lib/colour-codes.ts";
import { systemClock, type Clock } from "../clock.ts";
import { createTextCodec } from "../encoding.ts";
import type { Quake3Dialect } from "../protocol/quake3/dialects/common.ts";
import { OPENARENA } from "../protocol/quake3/dialects/ioq3.ts";
import {
  summariseServer,
  type InfoMap,
  type ServerSummary,
  type StatusResponse,
} from "../protocol/quake3/query.ts";
import { Quake3Transport } from "./transport.ts";

export interface QueryOptions {
  dialect?: Quake3Dialect;
  timeoutMs?: number;
  clock?: Clock;
}

export interface QueryResult extends ServerSummary {
  /** Host name without colour codes. */
  plainHostname: string | null;
  /** Round trip of the first answer. */
  latencyMs: number | null;
}

/** Rejects when neither query got an answer. */
export async function queryServer(
  host: string,
  port: number,
  options: QueryOptions = {},
): Promise<QueryResult> {
  const dialect = options.dialect ?? OPENARENA;
  const clock = options.clock ?? systemClock;
  const transport = await Quake3Transport.open({
    host,
    port,
    password: "unused",
    profile: dialect.quake3,
    codec: createTextCodec(dialect.defaultEncoding),
    clock,
  });
  try {
    const timeoutMs = options.timeoutMs ?? 2_000;
    const [status, info] = await Promise.all([
      transport.request({ kind: "getstatus", timeoutMs, retries: 1 }),
      transport.request({ kind: "getinfo", timeoutMs, retries: 1 }),
    ]);
    const statusResponse: StatusResponse | null = status.type === "status" ? status.response : null;
    const infoMap: InfoMap | null = info.type === "info" ? info.info : null;
    if (!statusResponse && !infoMap) throw new Error(`no answer to getstatus/getinfo from ${host}:${port}`);
    const summary = summariseServer(statusResponse, infoMap);
    const latency =
      status.type === "status"
        ? status.receivedAt - status.sentAt
        : info.type === "info"
          ? info.receivedAt - info.sentAt
          : null;
    return {
      ...summary,
      plainHostname:
        summary.hostname === null ? null : stripColourCodes(summary.hostname, dialect.quake3.colourRule),
      latencyMs: latency,
    };
  } finally {
    await transport.close();
  }
}
