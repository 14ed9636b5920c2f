/**
 * A scripted WebSocket peer for the WebRCON tests: it accepts any path, records the commands and
 * lets each test answer (or not) as a hostile or broken server would.
 */
import { WebSocketServer, type WebSocket } from "ws";

export interface ScriptedCommand {
  identifier: number;
  command: string;
}

export interface ScriptedServer {
  port: number;
  received: ScriptedCommand[];
  /** The path each client asked for (the password). */
  paths: string[];
  sockets: Set<WebSocket>;
  close(): Promise<void>;
}

/** Answers like Rust: the JSON message, Message first. */
export function answer(socket: WebSocket, identifier: number, message: string, type = "Generic"): void {
  socket.send(JSON.stringify({ Message: message, Identifier: identifier, Type: type, Stacktrace: "" }));
}

export async function startScriptedServer(
  onCommand: (socket: WebSocket, command: ScriptedCommand) => void,
  options: { maxPayload?: number } = {},
): Promise<ScriptedServer> {
  const server = new WebSocketServer({
    host: "127.0.0.1",
    port: 0,
    autoPong: false,
    perMessageDeflate: false,
    maxPayload: options.maxPayload ?? 1024 * 1024,
  });
  const received: ScriptedCommand[] = [];
  const paths: string[] = [];
  const sockets = new Set<WebSocket>();
  server.on("connection", (socket, request) => {
    paths.push(request.url ?? "");
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.terminate());
    socket.on("message", (data: Buffer) => {
      const parsed = JSON.parse(data.toString("utf8")) as { Identifier: number; Message: string };
      const command = { identifier: parsed.Identifier, command: parsed.Message };
      received.push(command);
      onCommand(socket, command);
    });
  });
  await new Promise<void>((resolve) => server.once("listening", resolve));
  const address = server.address();
  if (typeof address !== "object" || address === null) throw new Error("no address");
  return {
    port: address.port,
    received,
    paths,
    sockets,
    close: async () => {
      for (const socket of sockets) socket.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
