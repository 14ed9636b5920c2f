/**
 * A believable Source RCON game server for tests, the dashboard's demo mode, benchmarks and
 * `rcondeck emulate source`. Built on the Sans-IO server role (protocol/source/server.ts) with the
 * wire behaviour of the chosen game's dialect (auth variant, splitting, marker answer), a simulated
 * world (world.ts) and per-game command tables (games.ts). Like SRCDS it bans an
 * address after repeated wrong passwords, and writes the two login packets separately
 * (writer.ts).
 */
import { systemClock, type TimerHandle } from "../../clock.ts";
import { createTextCodec } from "../../encoding.ts";
import { SOURCE_DIALECTS, type SourceDialect } from "../../protocol/source/dialects/index.ts";
import { SourceServerConnection } from "../../protocol/source/server.ts";
import { createRandom, pick } from "../../random.ts";
import { appendRecent } from "../recent-log.ts";
import { SessionLog } from "../sessions.ts";
import { listenTcp, type TcpStream } from "../../transport/tcp.ts";
import type { EmulatorFlag, EmulatorOptions, FamilyEmulator, RunningEmulator } from "../types.ts";
import { EMULATED_GAMES, tokenize, type CommandContext } from "./games.ts";
import { createSessionWriter } from "./writer.ts";
import { buildCvarList, EmulatedWorld, type EmulatedPlayer } from "./world.ts";
import { emulatorLogs, type EmulatorLogs } from "./logs.ts";

export const SOURCE_EMULATOR_FLAGS: Readonly<Record<string, EmulatorFlag>> = {
  "ban-after": {
    type: "number",
    description: "wrong passwords from one address before it is banned, like SRCDS (0 = never; default 5)",
  },
  "ban-minutes": { type: "number", description: "how long such a ban lasts (0 = until restart; default 30)" },
  delay: { type: "number", description: "milliseconds before each answer (a slow server; default 0)" },
  "ignore-bans": {
    type: "number",
    description: "1 = ban commands answer as usual but store nothing (a broken server; default 0)",
  },
};

export interface SourceEmulator extends RunningEmulator {
  readonly world: EmulatedWorld;
  readonly dialect: SourceDialect;
  /** Addresses currently refused for failed logins. */
  bannedAddresses(): string[];
  /** Changes rcon_password; like SRCDS this drops every RCON connection. */
  setPassword(password: string): void;
  /** Open RCON connections. */
  readonly connectionCount: number;
  /** Logins received since start (right or wrong password). */
  readonly loginAttempts: number;
  /** The log stream (logs.ts): where the game sends its log lines. */
  readonly logs: EmulatorLogs;
}

function numberFlag(extra: EmulatorOptions["extra"], name: string, fallback: number): number {
  const value = extra?.[name];
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) throw new Error(`--${name} must be a number >= 0`);
  return parsed;
}

export async function startSourceEmulator(options: EmulatorOptions): Promise<SourceEmulator> {
  const gameId = options.game ?? "cs2";
  const dialect = SOURCE_DIALECTS.find((d) => d.id === gameId);
  const game = EMULATED_GAMES[gameId];
  if (!dialect || !game)
    throw new Error(
      `unknown game "${gameId}" for source; known: ${SOURCE_DIALECTS.map((d) => d.id).join(", ")}`,
    );
  const clock = options.clock ?? systemClock;
  const random = createRandom(options.seed ?? 1);
  const banAfter = numberFlag(options.extra, "ban-after", 5);
  const banMinutes = numberFlag(options.extra, "ban-minutes", 30);
  const delay = numberFlag(options.extra, "delay", 0);
  const activity = options.activity ?? 1;
  const codec = createTextCodec(dialect.defaultEncoding);
  const logger = options.logger;

  const world = new EmulatedWorld({
    random,
    now: clock.now(),
    players: options.players ?? 8,
    maxPlayers: game.maxPlayers,
    nameStyle: game.nameStyle,
    bots: game.bots,
  });
  world.ignoreBans = numberFlag(options.extra, "ignore-bans", 0) === 1;
  world.map = pick(random, game.maps);
  world.hostname = `${dialect.label} (RconDeck emulator)`;
  // The secret convars SRCDS has, so `cvarlist`, `find` and a query print them like a real server.
  const cvars = [
    ...buildCvarList(random),
    {
      name: "rcon_password",
      value: options.password,
      flags: '"nf", "norecord"',
      help: "remote console password.",
    },
    {
      name: "sv_password",
      value: "",
      flags: '"notify", "nf", "norecord"',
      help: "Server password for entry into multiplayer games",
    },
  ].sort((a, b) => a.name.localeCompare(b.name));
  let password = options.password;
  let loginAttempts = 0;
  const failures = new Map<string, number>();
  const banned = new Map<string, number | null>(); // address -> until (null = until restart)
  const sessions = new Set<{ stream: TcpStream; conn: SourceServerConnection; flush: () => void }>();
  const sessionLog = new SessionLog();

  const isBanned = (address: string) => {
    if (!banned.has(address)) return false;
    const until = banned.get(address);
    if (until === null || until === undefined || until > clock.now()) return true;
    banned.delete(address);
    return false;
  };

  const run = (text: string, push: CommandContext["push"]): string => {
    const trimmed = text.trim();
    const [first = ""] = trimmed.split(/\s+/, 1);
    const rest = trimmed.slice(first.length).trim();
    const logAnswer = logs.command(first.toLowerCase(), rest);
    if (logAnswer !== null) return logAnswer;
    const handler = game.commands[first.toLowerCase()];
    const ctx: CommandContext = { world, now: clock.now(), args: tokenize(rest), rest, cvars, push };
    if (handler) return handler(ctx);
    if (game.freeText && !first.startsWith("/")) return game.freeText({ ...ctx, rest: trimmed });
    return trimmed === "" ? "" : game.unknown(first);
  };

  const logs = emulatorLogs({
    logs: dialect.logs,
    world,
    host: options.host ?? "127.0.0.1",
    clock,
    codec,
    logger,
  });
  const listener = await listenTcp(options.host ?? "127.0.0.1", options.port ?? 0, (stream) => {
    const address = stream.remoteAddress;
    if (isBanned(address)) {
      stream.destroy(); // SRCDS refuses every RCON connection from a banned address
      return { onData() {}, onClose() {} };
    }
    const conn = new SourceServerConnection(dialect.server, codec);
    const session = { stream, conn, flush: () => flush() }; // flush is defined below, once the writer exists
    const remote = `${stream.remoteAddress}:${stream.remotePort}`;
    sessions.add(session);
    const write = createSessionWriter(stream, () => {
      if (conn.closeRequested) void stream.end();
    });
    const flush = () => write(conn.takeWrites());
    const push: CommandContext["push"] = (id, type, text) => conn.push(id, type, text);
    return {
      onData(bytes) {
        sessionLog.packet(remote, clock.now());
        conn.receive(bytes);
        for (let event = conn.nextEvent(); event; event = conn.nextEvent()) {
          switch (event.type) {
            case "auth":
              loginAttempts++;
              if (event.password === password) {
                failures.delete(address);
                conn.acceptAuth();
                sessionLog.login(remote, clock.now());
              } else {
                const count = (failures.get(address) ?? 0) + 1;
                failures.set(address, count);
                if (banAfter > 0 && count >= banAfter) {
                  banned.set(address, banMinutes > 0 ? clock.now() + banMinutes * 60_000 : null);
                  failures.delete(address);
                  logger?.warn(`Banning ${address} for rcon hacking attempts`);
                }
                conn.rejectAuth();
              }
              break;
            case "command": {
              sessionLog.command(remote, event.text, clock.now());
              const answer = run(event.text, push);
              logs.sync(); // a kick or ban may have removed a player: the log says so
              if (delay > 0) {
                const id = event.id;
                clock.setTimeout(() => {
                  conn.respond(id, answer);
                  flush();
                }, delay);
              } else conn.respond(event.id, answer);
              break;
            }
            case "unauthenticated-command":
              break;
            case "protocol-error":
              logger?.warn("emulator: bad packet from client", { address, message: event.error.message });
              break;
          }
        }
        flush();
      },
      onClose() {
        sessionLog.close(remote, clock.now());
        sessions.delete(session);
      },
    };
  });

  /** Chat goes to the game's log, and to logged-in RCON clients where the game pushes it. */
  const broadcastChat = (player: EmulatedPlayer, text: string): boolean => {
    appendRecent(world.chat, `${player.name}: ${text}`);
    logs.chat(player, text);
    const packet = game.chatPacket?.(player, text);
    if (!packet) return false;
    for (const { conn, flush } of sessions) {
      if (conn.state !== "AUTHENTICATED") continue;
      conn.push(0, packet.type, packet.text);
      flush();
    }
    return true;
  };

  let timer: TimerHandle | null = null;
  const interval = activity > 0 ? 8_000 / activity : 0;
  const target = options.players ?? 8;
  const tick = () => {
    const change = world.tick(clock.now(), target);
    logs.sync();
    if (change.joined) logger?.info(`"${change.joined.name}<${change.joined.userid}>" connected`);
    if (change.left) logger?.info(`"${change.left.name}<${change.left.userid}>" disconnected`);
    if (change.chat) broadcastChat(change.chat.player, change.chat.text);
    timer = clock.setTimeout(tick, interval);
  };
  if (interval > 0) timer = clock.setTimeout(tick, interval);

  return {
    protocol: "source",
    game: gameId,
    host: listener.host,
    port: listener.port,
    world,
    dialect,
    sessions: () => sessionLog.sessions(),
    overlaps: () => sessionLog.overlaps(),
    commands: () => sessionLog.commands(),
    bannedAddresses: () => [...banned.keys()].filter(isBanned),
    setPassword(next) {
      password = next;
      for (const { stream } of sessions) stream.destroy();
    },
    get connectionCount() {
      return sessions.size;
    },
    get loginAttempts() {
      return loginAttempts;
    },
    logs,
    playerChat(text) {
      const humans = world.humans;
      return humans.length > 0 && broadcastChat(pick(random, humans), text);
    },
    async close() {
      clock.clearTimeout(timer);
      timer = null;
      await listener.close();
      await logs.close();
    },
  };
}

export const emulator: FamilyEmulator<SourceEmulator> = {
  flags: SOURCE_EMULATOR_FLAGS,
  start: startSourceEmulator,
};
