/**
 * An Arma 3 / DayZ-like BattlEye RCon server for tests, demos, benchmarks and `rcondeck emulate`.
 * Built on the Sans-IO server core: the protocol behaviour (repeat cache, parts, message re-sends,
 * the 45 s rules) is the core's; this file holds the simulated game: players who connect, get and
 * verify GUIDs, chat and leave (seeded), kicks and bans that change state and push the real
 * messages, a ban list like bans.txt, and optional loss/duplication/reordering of its own traffic.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { systemClock, type Clock, type TimerHandle } from "../../clock.ts";
import { battlEyeCodec } from "../../battleye/codec.ts";
import { PLAYER_NAMES } from "../names.ts";
import { appendRecent } from "../recent-log.ts";
import { SessionLog } from "../sessions.ts";
import {
  adminsText,
  bansText,
  battlEyeMessages as msg,
  orderedBans,
  playersText,
  type EmulatedBan,
  type EmulatedPlayer,
} from "./texts.ts";
import { RconRemoteError } from "../../protocol/errors.ts";
import { BattlEyeServer, type ServerTiming } from "../../protocol/battleye/server.ts";
import { createRandom, pick, randomInt, type Random } from "../../random.ts";
import { createImpairment, type Impairment } from "../../transport/impairment.ts";
import { bindUdp, type UdpServerSocket } from "../../transport/udp.ts";
import type { EmulatorFlag, EmulatorOptions, FamilyEmulator, RunningEmulator } from "../types.ts";

export const BATTLEYE_EMULATOR_FLAGS: Readonly<Record<string, EmulatorFlag>> = {
  loss: {
    type: "number",
    description: "probability (0..1) that a datagram to or from the emulator is dropped",
  },
  duplicate: { type: "number", description: "probability (0..1) that a datagram is delivered twice" },
  reorder: {
    type: "number",
    description: "probability (0..1) that a datagram is held back so later ones overtake it",
  },
  "part-size": {
    type: "number",
    description: "bytes per part of a long answer (BattlEye splits answers; default 512)",
  },
  "bans-file": {
    type: "string",
    description: "bans.txt-like file read at start and by loadBans, written by writeBans",
  },
};

export type { EmulatedBan, EmulatedPlayer } from "./texts.ts";

export interface BattlEyeEmulatorTuning extends Partial<ServerTiming> {
  /** Longest hold-back of a reordered datagram. */
  maxDelayMs?: number;
}

export interface RunningBattlEyeEmulator extends RunningEmulator {
  readonly players: ReadonlyMap<number, EmulatedPlayer>;
  readonly bans: readonly EmulatedBan[];
  /** Every message pushed to an admin, once per send decision (not per re-send). */
  readonly messageLog: readonly { peer: string; text: string }[];
  readonly droppedPeers: readonly { peer: string; reason: string }[];
  readonly commandsExecuted: number;
  readonly server: BattlEyeServer;
  /** Runs one step of simulated activity now (tests drive activity without waiting). */
  simulateActivity(steps?: number): void;
  /** Freezes simulated activity (commands still work). */
  stopActivity(): void;
}

const CHANNELS = ["Global", "Side", "Command", "Group", "Vehicle", "Direct"] as const;
const CHAT_LINES = [
  "hello",
  "anyone at the airfield?",
  "need a medic",
  "привет всем",
  "gg",
  "lag?",
  "where: north",
  "ok :)",
];
const MISSIONS = [
  "Altis_Life.Altis.pbo",
  "Wasteland.Stratis.pbo",
  "KOTH.Tanoa.pbo",
  "dayzOffline.chernarusplus.pbo",
];

function hex(random: Random, length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += "0123456789abcdef"[Math.floor(random() * 16)];
  return out;
}

function randomIp(random: Random): string {
  return `${randomInt(random, 1, 223)}.${randomInt(random, 0, 255)}.${randomInt(random, 0, 255)}.${randomInt(random, 1, 254)}`;
}

function flagNumber(extra: EmulatorOptions["extra"], name: string): number | undefined {
  const value = extra?.[name];
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Error(`--${name} must be a number`);
  return n;
}

export async function startBattlEyeEmulator(
  options: EmulatorOptions,
  tuning: BattlEyeEmulatorTuning = {},
): Promise<RunningBattlEyeEmulator> {
  const game = options.game ?? "arma3";
  const clock: Clock = options.clock ?? systemClock;
  const seed = options.seed ?? 1;
  const random = createRandom(seed);
  const codec = battlEyeCodec("utf-8");
  const partSize = flagNumber(options.extra, "part-size") ?? tuning.partSize;
  const server = new BattlEyeServer(options.password, codec, {
    ...tuning,
    ...(partSize ? { partSize } : {}),
  });
  const bansFile = typeof options.extra?.["bans-file"] === "string" ? options.extra["bans-file"] : null;
  const impairmentOptions = {
    loss: flagNumber(options.extra, "loss"),
    duplicate: flagNumber(options.extra, "duplicate"),
    reorder: flagNumber(options.extra, "reorder"),
    maxDelayMs: tuning.maxDelayMs,
    clock,
  };
  const outbound: Impairment = createImpairment({
    ...impairmentOptions,
    random: createRandom(seed ^ 0x5eed),
  });
  const inbound: Impairment = createImpairment({ ...impairmentOptions, random: createRandom(seed ^ 0xbeef) });

  const players = new Map<number, EmulatedPlayer>();
  let bans: EmulatedBan[] = [];
  const admins = new Map<string, number>();
  let nextAdminId = 0;
  const messageLog: { peer: string; text: string }[] = [];
  const droppedPeers: { peer: string; reason: string }[] = [];
  let commandsExecuted = 0;
  const sessionLog = new SessionLog();
  let timer: TimerHandle | null = null;
  let activityTimer: TimerHandle | null = null;
  let closed = false;

  // --- simulated game ----------------------------------------------------------------------------
  function freeSlot(): number {
    let id = 0;
    while (players.has(id)) id++;
    return id;
  }

  function newPlayer(verified: boolean): EmulatedPlayer {
    const id = freeSlot();
    let name = pick(random, PLAYER_NAMES);
    if ([...players.values()].some((p) => p.name === name)) name = `${name} ${id}`;
    const player: EmulatedPlayer = {
      id,
      name,
      ip: randomIp(random),
      port: 2304 + randomInt(random, 0, 50),
      ping: randomInt(random, 15, 250),
      guid: verified ? hex(random, 32) : null,
      verified,
      lobby: false,
    };
    players.set(id, player);
    return player;
  }

  function push(text: string): void {
    for (const peer of server.loggedInPeers()) {
      appendRecent(messageLog, { peer, text });
      server.sendMessage(peer, text, clock.now());
    }
  }

  function isBanned(player: EmulatedPlayer): EmulatedBan | undefined {
    const now = clock.now();
    return bans.find(
      (b) =>
        (b.expiresAt === null || b.expiresAt > now) &&
        ((b.kind === "guid" && b.value === player.guid) || (b.kind === "ip" && b.value === player.ip)),
    );
  }

  function removePlayer(player: EmulatedPlayer, message: string): void {
    players.delete(player.id);
    push(message);
  }

  const kickMessage = msg.kicked;

  for (let i = 0; i < (options.players ?? 8); i++) newPlayer(true);

  function step(): void {
    const target = options.players ?? 8;
    const roll = random();
    const unverified = [...players.values()].find((p) => !p.verified);
    if (unverified) {
      if (!unverified.guid) {
        unverified.guid = hex(random, 32);
        push(msg.beGuid(unverified));
        const ban = isBanned(unverified);
        if (ban) removePlayer(unverified, kickMessage(unverified, `Banned (${ban.reason})`));
      } else {
        unverified.verified = true;
        push(msg.verified(unverified));
      }
      return;
    }
    if (roll < 0.15 && players.size < Math.max(1, target * 1.5)) {
      const player = newPlayer(false);
      push(msg.connected(player));
    } else if (roll < 0.25 && players.size > 0) {
      const player = pick(random, [...players.values()]);
      removePlayer(player, msg.disconnected(player));
    } else if (players.size > 0) {
      const player = pick(random, [...players.values()]);
      push(msg.chat(pick(random, CHANNELS), player, pick(random, CHAT_LINES)));
    }
  }

  // --- commands ------------------------------------------------------------------------------
  const listPlayers = () => playersText(players.values());
  const listBans = () => bansText(bans, clock.now());

  function addBan(kind: "guid" | "ip", value: string, minutes: number, reason: string): void {
    bans.push({ kind, value, expiresAt: minutes > 0 ? clock.now() + minutes * 60_000 : null, reason });
    for (const player of [...players.values()]) {
      if (isBanned(player))
        removePlayer(player, kickMessage(player, reason ? `Admin Ban (${reason})` : "Admin Ban"));
    }
  }

  function writeBansFile(): void {
    const now = clock.now();
    bans = bans.filter((b) => b.expiresAt === null || b.expiresAt > now);
    if (!bansFile) return;
    const wall = Date.now();
    const lines = bans.map((b) => {
      const expiry = b.expiresAt === null ? -1 : Math.round((wall + (b.expiresAt - now)) / 1000);
      return `${b.value} ${expiry} ${b.reason}`.trimEnd();
    });
    writeFileSync(bansFile, lines.join("\n") + "\n");
  }

  function loadBansFile(): void {
    if (!bansFile || !existsSync(bansFile)) return;
    const now = clock.now();
    const wall = Date.now();
    bans = [];
    for (const line of readFileSync(bansFile, "utf8").split(/\r?\n/)) {
      const m = /^(\S+)\s+(-?\d+)(?:\s+(.*))?$/.exec(line.trim());
      if (!m) continue;
      const kind = /^[0-9a-f]{32}$/i.test(m[1]!) ? "guid" : "ip";
      const expiry = Number(m[2]);
      if (expiry !== -1 && expiry * 1000 <= wall) continue;
      bans.push({
        kind,
        value: m[1]!.toLowerCase(),
        expiresAt: expiry === -1 ? null : now + (expiry * 1000 - wall),
        reason: m[3] ?? "",
      });
    }
  }
  loadBansFile();

  function execute(peer: string, text: string): string {
    commandsExecuted++;
    sessionLog.command(peer, text, clock.now());
    const [name = "", ...rest] = text.trim().split(/\s+/);
    const args = text.trim().slice(name.length).trim();
    const adminId = admins.get(peer) ?? 0;
    switch (name.toLowerCase()) {
      case "players":
        return listPlayers();
      case "bans":
        return listBans();
      case "admins":
        return adminsText(admins);
      case "missions":
        return ["Missions on server:", ...MISSIONS].join("\n");
      case "version":
        return "BattlEye Server: (v1.220) RconDeck emulator";
      case "commands":
        return "players kick ban addBan removeBan bans loadBans writeBans say admins missions version";
      case "say": {
        const m = /^(-?\d+)\s+(.+)$/s.exec(args);
        if (!m) return "";
        if (m[1] === "-1") push(`RCon admin #${adminId}: (Global) ${m[2]}`);
        else {
          const player = players.get(Number(m[1]));
          if (player) push(`RCon admin #${adminId}: (To ${player.name}) ${m[2]}`);
        }
        return "";
      }
      case "kick": {
        const m = /^(\d+)(?:\s+(.*))?$/s.exec(args);
        const player = m ? players.get(Number(m[1])) : undefined;
        if (player) removePlayer(player, kickMessage(player, m?.[2] ? `Admin Kick (${m[2]})` : "Admin Kick"));
        return "";
      }
      case "ban": {
        const m = /^(\d+)(?:\s+(\d+))?(?:\s+(.*))?$/s.exec(args);
        const player = m ? players.get(Number(m[1])) : undefined;
        if (player?.guid) addBan("guid", player.guid, Number(m?.[2] ?? 0), m?.[3] ?? "");
        return "";
      }
      case "addban": {
        const m = /^(\S+)(?:\s+(\d+))?(?:\s+(.*))?$/s.exec(args);
        if (!m) return "";
        const target = m[1]!;
        if (/^[0-9a-f]{32}$/i.test(target))
          addBan("guid", target.toLowerCase(), Number(m[2] ?? 0), m[3] ?? "");
        else if (/^\d{1,3}(\.\d{1,3}){3}$/.test(target)) addBan("ip", target, Number(m[2] ?? 0), m[3] ?? "");
        return "";
      }
      case "removeban": {
        const ban = orderedBans(bans)[Number(rest[0])];
        if (ban && /^\d+$/.test(rest[0] ?? "")) bans = bans.filter((b) => b !== ban);
        return "";
      }
      case "writebans":
        writeBansFile();
        return "";
      case "loadbans":
        loadBansFile();
        return "";
      case "#lock":
      case "#unlock":
      case "#restart":
      case "#reassign":
      case "maxping":
      case "loadscripts":
      case "loadevents":
        return "";
      default:
        return "Unknown command";
    }
  }

  // --- I/O -----------------------------------------------------------------------------------
  const peers = new Map<string, { address: string; port: number }>();

  function pump(): void {
    if (closed) return;
    for (let event = server.nextEvent(); event; event = server.nextEvent()) {
      switch (event.type) {
        case "login":
          if (event.success) {
            const address = event.peer;
            sessionLog.login(event.peer, clock.now());
            admins.set(event.peer, nextAdminId++);
            push(msg.adminLogin(admins.get(event.peer) ?? 0, address));
          }
          break;
        case "command":
          server.respond(event.peer, event.seq, execute(event.peer, event.text));
          break;
        case "ack":
          break;
        case "peer-dropped":
          admins.delete(event.peer);
          droppedPeers.push({ peer: event.peer, reason: event.reason });
          options.logger?.info("battleye emulator: dropped admin", {
            peer: event.peer,
            reason: event.reason,
          });
          break;
      }
    }
    for (const { peer, bytes } of server.takeOutgoing()) {
      const to = peers.get(peer);
      if (to) outbound.apply(bytes, (b) => socket.sendTo(b, to.address, to.port));
    }
    clock.clearTimeout(timer);
    timer = null;
    const at = server.nextDeadline();
    if (at !== null) {
      timer = clock.setTimeout(
        () => {
          timer = null;
          server.handleTimeout(clock.now());
          pump();
        },
        Math.max(0, at - clock.now()),
      );
    }
  }

  const socket: UdpServerSocket = await bindUdp(options.host ?? "127.0.0.1", options.port ?? 0, {
    onDatagram(datagram) {
      // Recorded as it arrives (before simulated loss): the client did send it.
      if (!closed) sessionLog.packet(`${datagram.address}:${datagram.port}`, clock.now());
      inbound.apply(datagram.bytes, (bytes) => {
        if (closed) return;
        const peer = `${datagram.address}:${datagram.port}`;
        if (!peers.has(peer)) peers.set(peer, { address: datagram.address, port: datagram.port });
        try {
          server.receive(peer, bytes, clock.now());
        } catch (error) {
          if (!(error instanceof RconRemoteError)) throw error; // counted by the core; ignored like BattlEye does
        }
        pump();
      });
    },
    onError(error) {
      options.logger?.debug("battleye emulator: socket error", { code: error.code });
    },
  });

  const activity = options.activity ?? 1;
  let activityStopped = false;
  function scheduleActivity(): void {
    if (activity <= 0 || closed || activityStopped) return;
    activityTimer = clock.setTimeout(
      () => {
        step();
        pump();
        scheduleActivity();
      },
      Math.max(1, Math.round(2_000 / activity)),
    );
  }
  scheduleActivity();

  return {
    protocol: "battleye",
    game,
    host: socket.address,
    port: socket.port,
    players,
    get bans() {
      return bans;
    },
    messageLog,
    droppedPeers,
    get commandsExecuted() {
      return commandsExecuted;
    },
    server,
    sessions: () => sessionLog.sessions(),
    overlaps: () => sessionLog.overlaps(),
    commands: () => sessionLog.commands(),
    playerChat(text) {
      const speaker = [...players.values()].find((p) => p.verified && !p.lobby);
      if (!speaker || closed) return false;
      push(`(Global) ${speaker.name}: ${text}`);
      pump();
      return true;
    },
    stopActivity() {
      clock.clearTimeout(activityTimer);
      activityTimer = null;
      activityStopped = true;
    },
    simulateActivity(steps = 1) {
      for (let i = 0; i < steps; i++) step();
      pump();
    },
    async close() {
      if (closed) return;
      closed = true;
      clock.clearTimeout(timer);
      clock.clearTimeout(activityTimer);
      outbound.close();
      inbound.close();
      await socket.close();
    },
  };
}

export const emulator: FamilyEmulator<RunningBattlEyeEmulator> = {
  flags: BATTLEYE_EMULATOR_FLAGS,
  start: (options) => startBattlEyeEmulator(options),
};
