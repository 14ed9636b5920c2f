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
import type { QueryResult as CoreQueryResult } from "../protocol/quake3/client.ts";
import {
  summariseServer,
  type InfoMap,
  type ServerSummary,
  type StatusResponse,
} from "../protocol/quake3/query.ts";
import { CorePump } from "../session/pump.ts";
import { udpTransport } from "../session/transport.ts";
import { createQuake3Core } from "./core.ts";

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
  const core = createQuake3Core({
    host,
    port,
    dialect,
    codec: createTextCodec(dialect.defaultEncoding),
    clock,
    loginTimeoutMs: 0, // no login: queries need no password
  });
  const outcomes = new Map<number, CoreQueryResult>();
  let allIn = () => {};
  const finished = new Promise<void>((resolve) => (allIn = resolve));
  // The core alone over the shared pump: no session, no login, just two paced requests.
  const pump = new CorePump({
    core,
    clock,
    onEvent: () => {}, // dropped datagrams only: nothing to report for a one-shot query
    afterEvents: (client) => {
      for (let result = client.nextQueryResult(); result; result = client.nextQueryResult())
        outcomes.set(result.id, result);
      if (outcomes.size === 2) allIn();
    },
  });
  const transport = await udpTransport(
    host,
    port,
  )({
    onUnit: (unit) => pump.receive(unit),
    onClose: () => {},
    onError: () => {}, // an ICMP refusal: the queries then simply get no answer
  });
  pump.attach(transport);
  try {
    const timeoutMs = options.timeoutMs ?? 2_000;
    const statusId = core.query("getstatus", timeoutMs);
    const infoId = core.query("getinfo", timeoutMs);
    pump.pump();
    await finished;
    const status = outcomes.get(statusId) as CoreQueryResult;
    const info = outcomes.get(infoId) as CoreQueryResult;
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
    pump.stop();
    core.close();
    await transport.close();
  }
}
