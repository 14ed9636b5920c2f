/**
 * Game log receivers for one process (composition root): the UDP socket, the HTTP route and the
 * hub options that register servers, from the environment. Off unless configured, except demo
 * mode, which receives on loopback (its CS2 emulator POSTs its chat to the dashboard).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { GameLogsEnv } from "../../env.ts";
import { createTextCodec } from "../../rcon/encoding.ts";
import type { UdpServerSocket } from "../../rcon/transport/udp.ts";
import type { Logger } from "../../rcon/types.ts";
import { gameLogSecrets } from "../../security/game-log-secrets.ts";
import { every, systemHubClock, type HubClock } from "../clock.ts";
import { handleGameLogRequest, isGameLogRequest } from "./http-route.ts";
import { GameLogReceiver, REFUSALS, type Refusal } from "./receiver.ts";
import type { GameLogHubOptions } from "./registration.ts";
import { listenGameLogsUdp } from "./udp-listener.ts";

export interface GameLogService {
  /** For the hub (absent: no transport configured). */
  hubOptions: GameLogHubOptions | undefined;
  /** Handles the request when it is a game log POST (`source`: the client address, TRUST_PROXY applied); false for every other request. */
  handle(req: IncomingMessage, res: ServerResponse, source: string): boolean;
  close(): Promise<void>;
}

export interface GameLogStartOptions {
  env: GameLogsEnv;
  /** Demo mode: loopback defaults for what is not configured. */
  demo: boolean;
  /** The dashboard's configured HOST and PORT (the demo's HTTP base URL). */
  dashboard: { host: string; port: number };
  encryptionKey: Buffer;
  logger: Logger;
  clock?: HubClock;
}

const ANY_HOST = new Set(["0.0.0.0", "::", "127.0.0.1", "localhost", "::1"]);
const REPORT_EVERY_MS = 60_000;

/** What was refused since the last report (null: nothing), for one warn line a minute at most. */
export function refusalReport(
  now: Record<Refusal, number>,
  before: Record<Refusal, number>,
): Partial<Record<Refusal, number>> | null {
  const delta = REFUSALS.map((r) => [r, now[r] - before[r]] as const).filter(([, n]) => n > 0);
  return delta.length > 0 ? Object.fromEntries(delta) : null;
}

export async function startGameLogs(o: GameLogStartOptions): Promise<GameLogService> {
  const configured = o.env.udpListen !== null || o.env.httpBase !== null;
  const demoDefaults = o.demo && !configured;
  const clock = o.clock ?? systemHubClock;
  const receiver = new GameLogReceiver(() => clock.now(), createTextCodec("utf-8"));
  let socket: UdpServerSocket | null = null;
  let udpAddress = o.env.udpAddress;
  const listen = o.env.udpListen ?? (demoDefaults ? { host: "127.0.0.1", port: 0 } : null);
  if (listen) {
    socket = await listenGameLogsUdp(receiver, listen.host, listen.port, o.logger);
    udpAddress ??= `127.0.0.1:${socket.port}`;
  }
  const { host, port } = o.dashboard;
  const httpBase =
    o.env.httpBase ??
    (demoDefaults && port !== 0 ? `http://${ANY_HOST.has(host) ? "127.0.0.1" : host}:${port}` : null);
  const enabled = udpAddress !== null || httpBase !== null;
  if (enabled) o.logger.info("game log receivers", { udp: udpAddress, http: httpBase !== null });
  let reported = receiver.refusals();
  const stopReports = enabled
    ? every(clock, REPORT_EVERY_MS, () => {
        const now = receiver.refusals();
        const report = refusalReport(now, reported);
        reported = now;
        if (report) o.logger.warn("game log lines refused in the last minute", report);
      })
    : () => undefined;
  return {
    hubOptions: enabled
      ? { receiver, endpoints: { udp: udpAddress, httpBase }, secrets: gameLogSecrets(o.encryptionKey) }
      : undefined,
    handle(req, res, source) {
      if (!isGameLogRequest(req.url)) return false;
      if (httpBase === null) return false; // off: the path is Next's like any other (a 404 page)
      handleGameLogRequest(receiver, req, res, o.logger, source);
      return true;
    },
    async close() {
      stopReports();
      await socket?.close();
    },
  };
}
