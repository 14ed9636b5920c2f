/**
 * An emulated Rust server speaking WebRCON on loopback (tests, demo, benchmarks, `rcondeck
 * emulate webrcon`): a real WebSocket server (ws) that, like Rust, accepts the upgrade and then
 * closes a socket whose path is not the password, never answers WebSocket pings, answers each
 * command with its Identifier, and pushes console lines and JSON chat with Identifier 0.
 */
import type { IncomingMessage } from "node:http";
import { WebSocketServer, type WebSocket } from "ws";
import { systemClock, type TimerHandle } from "../../clock.ts";
import { PLAYER_NAMES } from "../names.ts";
import { SessionLog } from "../sessions.ts";
import { decodeCommand, encodeMessage } from "../../protocol/webrcon/message.ts";
import { WEBRCON_DIALECTS } from "../../protocol/webrcon/dialects/index.ts";
import { createRandom, pick, randomInt, type Random } from "../../random.ts";
import type { EmulatorFlag, EmulatorOptions, FamilyEmulator, RunningEmulator } from "../types.ts";

export const WEBRCON_EMULATOR_FLAGS: Readonly<Record<string, EmulatorFlag>> = {
  delay: { type: "number", description: "milliseconds before each answer (a slow server; default 0)" },
  map: { type: "string", description: "map name (default Procedural Map)" },
};

/** Frames larger than this from a client close its socket (Rust's own limit is not documented). */
const MAX_CLIENT_FRAME = 64 * 1024;
const MAX_PLAYERS = 100;

interface EmulatedPlayer {
  steamId: string;
  name: string;
  address: string;
  ping: number;
  joinedAt: number;
}

interface Ban {
  steamId: string;
  name: string;
  reason: string;
}

export interface WebRconEmulator extends RunningEmulator {
  /** The simulated players' SteamIDs. */
  players(): { steamId: string; name: string }[];
  /** Pushes one console line (Identifier 0, Type Generic) to every logged-in client. */
  log(text: string, type?: string): void;
  /** Commands received, in order (tests check what was sent). */
  readonly received: string[];
}

/** Splits a console line like Rust: whitespace-separated, "double quoted" words kept whole. */
function words(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? "");
}

export async function startWebRconEmulator(options: EmulatorOptions): Promise<WebRconEmulator> {
  const gameId = options.game ?? "rust-webrcon";
  if (!WEBRCON_DIALECTS.some((d) => d.id === gameId)) {
    throw new Error(
      `unknown game "${gameId}" for webrcon; known: ${WEBRCON_DIALECTS.map((d) => d.id).join(", ")}`,
    );
  }
  const clock = options.clock ?? systemClock;
  const random: Random = createRandom(options.seed ?? 1);
  const activity = options.activity ?? 1;
  const delay = typeof options.extra?.delay === "number" ? options.extra.delay : 0;
  const mapName = typeof options.extra?.map === "string" ? options.extra.map : "Procedural Map";
  const sessions = new SessionLog();
  const received: string[] = [];
  const clients = new Set<WebSocket>();
  const players: EmulatedPlayer[] = [];
  const bans: Ban[] = [];
  const chatLog: object[] = [];
  let nextSteam = 76561198000000001n;
  let activityTimer: TimerHandle | null = null;

  const newPlayer = (): EmulatedPlayer => {
    const steamId = String(nextSteam++);
    return {
      steamId,
      name: pick(random, PLAYER_NAMES),
      address: `10.0.${randomInt(random, 0, 255)}.${randomInt(random, 1, 254)}:${randomInt(random, 1024, 65535)}`,
      ping: randomInt(random, 10, 180),
      joinedAt: clock.now() - randomInt(random, 0, 3_600_000),
    };
  };
  for (let i = 0; i < (options.players ?? 8); i++) players.push(newPlayer());

  const send = (socket: WebSocket, identifier: number, message: string, type = "Generic") => {
    if (socket.readyState === socket.OPEN)
      socket.send(encodeMessage({ identifier, message, type }), { binary: false });
  };
  const broadcast = (message: string, type = "Generic") => {
    for (const socket of clients) send(socket, 0, message, type);
  };
  const chat = (player: { name: string; steamId: string } | null, text: string) => {
    const entry = {
      Channel: 0,
      Message: text,
      UserId: player?.steamId ?? "0",
      Username: player?.name ?? "SERVER",
      Color: player ? "#5af" : "#eee",
      Time: Math.floor(clock.now() / 1000),
    };
    chatLog.push(entry);
    if (chatLog.length > 512) chatLog.shift();
    broadcast(JSON.stringify(entry), "Chat");
  };
  const join = () => {
    if (players.length >= MAX_PLAYERS) return;
    const player = newPlayer();
    players.push(player);
    broadcast(`${player.address}/${player.steamId}/${player.name} joined [windows/${player.steamId}]`);
  };
  const leave = (player: EmulatedPlayer, reason: string) => {
    players.splice(players.indexOf(player), 1);
    broadcast(`${player.address}/${player.steamId}/${player.name} disconnecting: ${reason}`);
  };

  const run = (line: string): { text: string; type?: string } => {
    const [name = "", ...args] = words(line.trim());
    const find = (id: string | undefined) => players.find((p) => p.steamId === id);
    switch (name.toLowerCase()) {
      case "serverinfo":
        return {
          text: JSON.stringify(
            {
              Hostname: "RconDeck emulated Rust",
              MaxPlayers: MAX_PLAYERS,
              Players: players.length,
              Queued: 0,
              Joining: 0,
              EntityCount: 120_000,
              GameTime: "06/21/2024 12:00:00",
              Uptime: Math.floor(clock.now() / 1000) % 86_400,
              Map: mapName,
              Framerate: 60,
              Memory: 4096,
              Collections: 10,
              NetworkIn: 100,
              NetworkOut: 400,
              Restarting: false,
              SaveCreatedTime: "2024-06-21T00:00:00",
            },
            null,
            2,
          ),
        };
      case "playerlist":
        return {
          text: JSON.stringify(
            players.map((p) => ({
              SteamID: p.steamId,
              OwnerSteamID: "0",
              DisplayName: p.name,
              Ping: p.ping,
              Address: p.address,
              ConnectedSeconds: Math.floor((clock.now() - p.joinedAt) / 1000),
              VoiationLevel: 0,
              CurrentLevel: 0,
              UnspentXp: 0,
              Health: 100,
            })),
            null,
            2,
          ),
        };
      case "status":
        return {
          text: [
            `hostname: RconDeck emulated Rust`,
            `map     : ${mapName}`,
            `players : ${players.length} (${MAX_PLAYERS} max)`,
            ...players.map(
              (p) =>
                `${p.steamId} "${p.name}" ${p.ping} ${Math.floor((clock.now() - p.joinedAt) / 1000)}s ${p.address} 0.0 0`,
            ),
          ].join("\n"),
        };
      case "say":
      case "global.say":
        chat(null, args.join(" "));
        return { text: "" };
      case "kick": {
        const player = find(args[0]);
        if (!player) return { text: "Player not found", type: "Warning" };
        leave(player, `Kicked: ${args[1] ?? ""}`);
        return { text: `Kicked ${player.name}` };
      }
      case "banid": {
        const [steamId = "", banName = "", reason = ""] = args;
        if (!/^7656119\d{10}$/.test(steamId)) return { text: "Invalid SteamID", type: "Error" };
        if (!bans.some((b) => b.steamId === steamId)) bans.push({ steamId, name: banName, reason });
        const online = find(steamId);
        if (online) leave(online, `Banned: ${reason}`);
        return { text: `Banned User: ${steamId} - ${banName}` };
      }
      case "unban": {
        const index = bans.findIndex((b) => b.steamId === args[0]);
        if (index < 0) return { text: `User ${args[0] ?? ""} isn't banned` };
        bans.splice(index, 1);
        return { text: `Unbanned User: ${args[0] ?? ""}` };
      }
      case "banlistex":
        return { text: bans.map((b, i) => `${i + 1} ${b.steamId} "${b.name}" "${b.reason}" -1`).join("\n") };
      case "server.writecfg":
        return { text: "Config Saved" };
      case "chat.tail":
        return { text: JSON.stringify(chatLog.slice(-Number(args[0] ?? 256))) };
      case "echo":
        return { text: args.join(" ") };
      default:
        return { text: `Command '${name}' not found`, type: "Warning" };
    }
  };

  const server = new WebSocketServer({
    host: options.host ?? "127.0.0.1",
    port: options.port ?? 0,
    maxPayload: MAX_CLIENT_FRAME,
    perMessageDeflate: false,
    autoPong: false,
  });
  server.on("connection", (socket: WebSocket, request: IncomingMessage) => {
    const remote = `${request.socket.remoteAddress ?? "?"}:${request.socket.remotePort ?? 0}`;
    if (request.url !== `/${options.password}`) {
      // Rust accepts the upgrade, then closes the socket of a wrong password without a message.
      socket.close();
      return;
    }
    clients.add(socket);
    sessions.login(remote, clock.now());
    socket.on("message", (data: Buffer, binary: boolean) => {
      sessions.packet(remote, clock.now());
      if (binary) return;
      const command = decodeCommand(
        new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
        MAX_CLIENT_FRAME,
      );
      if (!command) return;
      received.push(command.command);
      sessions.command(remote, command.command, clock.now());
      const answer = () => {
        const result = run(command.command);
        send(socket, command.identifier, result.text, result.type);
      };
      if (delay > 0) clock.setTimeout(answer, delay);
      else answer();
    });
    socket.on("close", () => {
      clients.delete(socket);
      sessions.close(remote, clock.now());
    });
    socket.on("error", () => socket.terminate());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  const address = server.address();
  if (typeof address !== "object" || address === null) throw new Error("the emulator has no address");

  // Simulated life: someone joins, leaves or chats now and then.
  const tick = () => {
    const roll = random();
    if (roll < 0.2) join();
    else if (roll < 0.35 && players.length > 0) leave(pick(random, players), "disconnect");
    else if (players.length > 0)
      chat(pick(random, players), pick(random, ["gg", "anyone near outpost?", "wipe when?", "lol"]));
    activityTimer = clock.setTimeout(tick, 20_000 / activity);
  };
  if (activity > 0) activityTimer = clock.setTimeout(tick, 20_000 / activity);

  return {
    protocol: "webrcon",
    game: gameId,
    host: address.address,
    port: address.port,
    received,
    players: () => players.map((p) => ({ steamId: p.steamId, name: p.name })),
    log: (text, type = "Generic") => broadcast(text, type),
    playerChat(text) {
      if (players.length === 0 || clients.size === 0) return false;
      chat(pick(random, players), text);
      return true;
    },
    sessions: () => sessions.sessions(),
    overlaps: () => sessions.overlaps(),
    commands: () => sessions.commands(),
    async close() {
      clock.clearTimeout(activityTimer);
      for (const socket of clients) socket.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export const emulator: FamilyEmulator<WebRconEmulator> = {
  flags: WEBRCON_EMULATOR_FLAGS,
  start: startWebRconEmulator,
};
