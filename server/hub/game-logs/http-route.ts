/**
 * The HTTP receiver for CS2's log stream (`logaddress_add_http "<base>/api/game-logs/<server>/<token>"`):
 * a fast path in the custom server, before Next and without a session. The token is the secret,
 * so the path is never logged; a body over the cap is cut off at once.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "../../rcon/types.ts";
import type { GameLogReceiver } from "./receiver.ts";

export const GAME_LOGS_PATH = "/api/game-logs/";
const SEGMENT = /^[A-Za-z0-9_-]{1,128}$/;

export function isGameLogRequest(url: string | undefined): boolean {
  return url?.startsWith(GAME_LOGS_PATH) ?? false;
}

/** The path segment a game server POSTs to (the base URL is the deployment's). */
export function gameLogPath(serverId: string, token: string): string {
  return `${GAME_LOGS_PATH}${serverId}/${token}`;
}

export function handleGameLogRequest(
  receiver: GameLogReceiver,
  req: IncomingMessage,
  res: ServerResponse,
  logger: Logger,
  /** The client address (behind the operator's reverse proxy: the forwarded one); default the socket's. */
  source = req.socket.remoteAddress ?? "",
): void {
  const answer = (status: number) => {
    if (!res.headersSent)
      res.writeHead(status, {
        "content-type": "text/plain",
        connection: status === 200 ? "keep-alive" : "close",
      });
    res.end();
  };
  const [serverId = "", token = "", ...rest] = (req.url ?? "")
    .slice(GAME_LOGS_PATH.length)
    .split("?", 1)[0]!
    .split("/");
  if (req.method !== "POST") return answer(405);
  if (rest.length > 0 || !SEGMENT.test(serverId) || !SEGMENT.test(token)) {
    receiver.refuse("wrong-secret", null);
    return answer(404);
  }
  const max = receiver.limits.maxBodyBytes;
  if (Number(req.headers["content-length"] ?? 0) > max) {
    receiver.refuse("oversize", null);
    req.resume();
    return answer(413);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let over = false;
  req.on("data", (chunk: Buffer) => {
    if (over) return;
    size += chunk.length;
    if (size > max) {
      over = true;
      chunks.length = 0;
      receiver.refuse("oversize", null);
      answer(413);
      req.destroy();
      return;
    }
    chunks.push(chunk);
  });
  req.on("end", () => {
    if (over) return;
    const refused = receiver.acceptBody(source, serverId, token, Buffer.concat(chunks).toString("utf8"));
    if (refused) logger.debug("game log body refused", { reason: refused, from: source });
    // A flood still answers 200: the lines within the budget were taken, and a retry would only add load.
    answer(refused === null || refused === "flood" ? 200 : refused === "unknown-source" ? 403 : 404);
  });
  req.on("error", () => answer(400));
}
