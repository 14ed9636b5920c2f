/**
 * An emulated Quake 3-family game server on UDP (tests, demo mode, benchmarks, `rcondeck emulate
 * quake3`). The wire behaviour (line reading, password token, redirect-buffer splitting, error
 * texts, rate limits) is the Sans-IO Quake3Server with the dialect's profile; this file holds the
 * game state and the commands, answering with the texts the real OpenArena 0.8.8 server prints
 * (fixtures/openarena-0.8.8-captures.json). Players come and go over time from a seeded PRNG.
 */
import { stripColourCodes } from "../../../../lib/colour-codes.ts";
import { systemClock, type Clock, type TimerHandle } from "../../clock.ts";
import { COLOURED_PLAYER_NAMES, PLAYER_NAMES } from "../names.ts";
import { appendRecent } from "../recent-log.ts";
import {
  SessionLog,
  type EmulatorCommand,
  type EmulatorSession,
  type SessionOverlap,
  type SessionRecording,
} from "../sessions.ts";
import { readRequestLine } from "../../protocol/quake3/packet.ts";
import type { Quake3Dialect } from "../../protocol/quake3/dialects/common.ts";
import { findQuake3Dialect } from "../../protocol/quake3/dialects/index.ts";
import { Quake3Server, splitRconLine } from "../../protocol/quake3/server.ts";
import type { StatusRow } from "../../protocol/quake3/status-table.ts";
import { createRandom, pick, randomInt, type Random } from "../../random.ts";
import { bindUdp, type UdpServerSocket } from "../../transport/udp.ts";
import type { EmulatorOptions, FamilyEmulator, RunningEmulator } from "../types.ts";
import { OPENARENA_CVARS } from "./cvars.ts";
import { cvarQueryPieces, engineBanPieces, userinfoPieces } from "./texts.ts";

interface EmulatedClient {
  slot: number;
  name: string;
  score: number;
  ping: number;
  address: string;
  rate: number;
  guid: string;
  qport: number;
  isBot: boolean;
}

interface Cvar {
  flags: string;
  name: string;
  value: string;
  resetValue: string;
}

/** Names the engine can carry: its strings are bytes, so only Latin-1 survives. */
const EMULATED_NAMES = [...COLOURED_PLAYER_NAMES, ...PLAYER_NAMES].filter(
  // Userinfo values cannot hold `\`, `;` or `"` (Info_SetValueForKey).
  (n) => [...n].every((c) => c.charCodeAt(0) <= 0xff) && !/[\\;"]/.test(n),
);

/** Cmd_TokenizeString, enough for console commands: quotes group, `//` and `/* *\/` are comments. */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && (text[i] as string) <= " ") i++;
    if (i >= text.length) break;
    if (text.startsWith("//", i)) break;
    if (text.startsWith("/*", i)) {
      const end = text.indexOf("*/", i + 2);
      if (end < 0) break;
      i = end + 2;
      continue;
    }
    if (text[i] === '"') {
      const end = text.indexOf('"', i + 1);
      tokens.push(text.slice(i + 1, end < 0 ? undefined : end));
      i = end < 0 ? text.length : end + 1;
      continue;
    }
    let token = "";
    while (i < text.length && (text[i] as string) > " ") {
      if (text.startsWith("//", i) || text.startsWith("/*", i)) break;
      token += text[i];
      i++;
    }
    tokens.push(token);
  }
  return tokens;
}

export interface Quake3EmulatorOptions extends EmulatorOptions {
  dialect: Quake3Dialect;
  /** Bot names present at start (in addition to `players` humans). */
  bots?: readonly string[];
  mapName?: string;
  hostname?: string;
  maxClients?: number;
}

export class Quake3Emulator implements RunningEmulator, SessionRecording {
  readonly protocol = "quake3" as const;
  readonly game: string;
  private socket: UdpServerSocket | null = null;
  private readonly server: Quake3Server;
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly clients = new Map<number, EmulatedClient>();
  private readonly cvars = new Map<string, Cvar>();
  private readonly engineBans: string[] = [];
  private activityTimer: TimerHandle | null = null;
  private readonly maxClients: number;
  private mapName: string;
  /** Broadcast chat (`say`) and private messages, newest last, for tests and the demo. */
  readonly chat: string[] = [];
  private readonly sessionLog = new SessionLog();
  /** The sender of the datagram being handled: rcon commands run synchronously inside receive(). */
  private receivingFrom = "";

  constructor(private readonly options: Quake3EmulatorOptions) {
    this.game = options.dialect.id;
    this.clock = options.clock ?? systemClock;
    this.random = createRandom(options.seed ?? 1);
    this.maxClients = options.maxClients ?? 16;
    this.mapName = options.mapName ?? options.dialect.quake3.emulatorMap;
    for (const [flags, name, value] of OPENARENA_CVARS) this.setCvar(name, value, flags);
    this.setCvar("sv_hostname", options.hostname ?? "^1Red ^7Test Server", "S    A   ");
    this.setCvar("sv_maxclients", String(this.maxClients), "S    AL  ");
    this.setCvar("mapname", this.mapName, "S  R     ");
    this.setCvar("g_banIPs", "", "     A   ");
    this.setCvar("rconPassword", options.password, "         ");
    for (const bot of options.bots ?? []) this.addClient(bot, true);
    for (let i = 0; i < (options.players ?? 0); i++) this.addClient(pick(this.random, EMULATED_NAMES), false);
    this.server = new Quake3Server(options.dialect.quake3.server, options.password, {
      executeRcon: (command, print) => this.execute(command, print),
      statusInfo: () => ({
        info: this.serverInfo(),
        players: this.sortedClients().map((c) => ({
          score: c.score,
          ping: c.ping,
          name: c.name,
          team: null,
        })),
      }),
      info: () => this.getInfo(),
    });
  }

  get host(): string {
    return this.socket?.address ?? this.options.host ?? "127.0.0.1";
  }

  get port(): number {
    return this.socket?.port ?? 0;
  }

  /** Requests the rate limit dropped silently. */
  get droppedRequests(): number {
    return this.server.dropped;
  }

  get players(): readonly EmulatedClient[] {
    return this.sortedClients();
  }

  async listen(): Promise<this> {
    this.socket = await bindUdp(this.options.host ?? "127.0.0.1", this.options.port ?? 0, {
      onDatagram: (datagram) => {
        this.receivingFrom = `${datagram.address}:${datagram.port}`;
        this.record(datagram.bytes, this.receivingFrom);
        this.server.receive(datagram.bytes, datagram, this.clock.now());
        for (const out of this.server.takeOutgoing()) this.socket?.sendTo(out.bytes, out.address, out.port);
      },
      onError: (error) => this.options.logger?.warn("quake3 emulator socket error", { error: error.message }),
    });
    this.scheduleActivity();
    return this;
  }

  async close(): Promise<void> {
    this.clock.clearTimeout(this.activityTimer);
    this.activityTimer = null;
    await this.socket?.close();
    this.socket = null;
  }

  sessions(): EmulatorSession[] {
    return this.sessionLog.sessions();
  }

  overlaps(): SessionOverlap[] {
    return this.sessionLog.overlaps();
  }

  commands(): EmulatorCommand[] {
    return this.sessionLog.commands();
  }

  /**
   * Quake 3 has no login: a session is one client address:port, live from its first rcon packet
   * with the right password (even one the rate limit drops: the client did send it) to its last packet.
   */
  private record(bytes: Uint8Array, remote: string): void {
    const now = this.clock.now();
    if (this.sessionLog.has(remote)) return this.sessionLog.packet(remote, now);
    const line = readRequestLine(bytes);
    const parts = line === null ? null : splitRconLine(line);
    if (parts && parts.password === this.options.password && parts.password !== "")
      this.sessionLog.login(remote, now);
  }

  /** Quake 3 engines send nothing unprompted over rcon: the line only reaches the game's chat. */
  playerChat(text: string): boolean {
    const speaker = this.sortedClients().find((c) => !c.isBot);
    if (speaker) appendRecent(this.chat, `${speaker.name}: ${text}`);
    return false;
  }

  // --- simulated activity --------------------------------------------------------------------

  private scheduleActivity(): void {
    const activity = this.options.activity ?? 1;
    if (activity <= 0) return;
    const delay = randomInt(this.random, 3_000, 12_000) / activity;
    this.activityTimer = this.clock.setTimeout(() => {
      this.simulateOnce();
      this.scheduleActivity();
    }, delay);
  }

  /** One step of life on the server: someone joins, leaves, or scores. */
  simulateOnce(): void {
    const humans = this.sortedClients().filter((c) => !c.isBot);
    const roll = this.random();
    if (roll < 0.3 && this.clients.size < this.maxClients) {
      const joined = this.addClient(pick(this.random, EMULATED_NAMES), false);
      // A banned address is refused at connect time, as the engine does.
      if (joined && this.isBanned(joined.address)) this.clients.delete(joined.slot);
    } else if (roll < 0.5 && humans.length > 0) this.clients.delete(pick(this.random, humans).slot);
    for (const client of this.clients.values()) {
      if (this.random() < 0.5) client.score += randomInt(this.random, -1, 3);
      if (!client.isBot) client.ping = Math.max(5, client.ping + randomInt(this.random, -10, 10));
    }
  }

  private addClient(name: string, isBot: boolean): EmulatedClient | null {
    let slot = 0;
    while (this.clients.has(slot)) slot++;
    if (slot >= this.maxClients) return null;
    const client: EmulatedClient = {
      slot,
      name,
      score: 0,
      ping: isBot ? 0 : randomInt(this.random, 20, 180),
      address: isBot
        ? "bot"
        : `${randomInt(this.random, 11, 223)}.${randomInt(this.random, 0, 255)}.${randomInt(this.random, 0, 255)}.${randomInt(this.random, 1, 254)}:${randomInt(this.random, 1024, 65535)}`,
      rate: isBot ? 16384 : 25000,
      guid: isBot
        ? `bot${slot}`
        : Array.from({ length: 32 }, () => "0123456789abcdef"[randomInt(this.random, 0, 15)]).join(""),
      qport: isBot ? 0 : randomInt(this.random, 1, 65535),
      isBot,
    };
    this.clients.set(slot, client);
    return client;
  }

  /** Engine bans (CIDR) and game-module filters (`*` octets) both refuse an address. */
  isBanned(address: string): boolean {
    const ip = /^(\d+)\.(\d+)\.(\d+)\.(\d+)/.exec(address);
    if (!ip) return false;
    const octets = ip.slice(1, 5);
    const toNumber = (parts: readonly string[]) => parts.reduce((acc, octet) => acc * 256 + Number(octet), 0);
    const value = toNumber(octets);
    const inSubnet = (ban: string) => {
      const [base = "", bits = "32"] = ban.split("/");
      const size = 2 ** (32 - Number(bits));
      return Math.floor(value / size) === Math.floor(toNumber(base.split(".")) / size);
    };
    const matchesMask = (mask: string) =>
      mask.split(".").every((part, i) => part === "*" || part === octets[i]);
    const filters = (this.cvars.get("g_banips")?.value ?? "").split(" ").filter((m) => m !== "");
    return this.engineBans.some(inSubnet) || filters.some(matchesMask);
  }

  private sortedClients(): EmulatedClient[] {
    return [...this.clients.values()].sort((a, b) => a.slot - b.slot);
  }

  // --- cvars and queries -----------------------------------------------------------------------

  private setCvar(name: string, value: string, flags?: string): void {
    const existing = this.cvars.get(name.toLowerCase());
    if (existing) existing.value = value;
    else this.cvars.set(name.toLowerCase(), { flags: flags ?? "         ", name, value, resetValue: value });
  }

  private serverInfo(): Record<string, string> {
    const info: Record<string, string> = {};
    for (const cvar of this.cvars.values()) if (cvar.flags.startsWith("S")) info[cvar.name] = cvar.value;
    return info;
  }

  private getInfo(): Record<string, string> {
    const humans = this.sortedClients().filter((c) => !c.isBot).length;
    return {
      voip: "opus",
      g_needpass: "0",
      pure: "1",
      gametype: this.cvars.get("g_gametype")?.value ?? "0",
      sv_maxclients: String(this.maxClients),
      g_humanplayers: String(humans),
      clients: String(this.clients.size),
      mapname: this.mapName,
      hostname: this.cvars.get("sv_hostname")?.value ?? "noname",
      protocol: "71",
      gamename: "Quake3Arena",
    };
  }

  // --- rcon commands ---------------------------------------------------------------------------

  private execute(command: string, print: (text: string) => void): void {
    this.sessionLog.command(this.receivingFrom, command, this.clock.now());
    const argv = tokenize(command);
    const verb = argv[0];
    if (verb === undefined) return;
    const args = argv.slice(1);
    const handler = this.handlers[verb.toLowerCase()];
    if (handler) {
      handler(args, print);
      return;
    }
    const cvar = this.cvars.get(verb.toLowerCase());
    if (cvar) {
      if (args.length > 0) cvar.value = args.join(" ");
      else this.printCvar(cvar, print);
      return;
    }
    print(`unknown command: ${verb}\n`);
  }

  private printCvar(cvar: Cvar, print: (text: string) => void): void {
    for (const piece of cvarQueryPieces(cvar.name, cvar.value, cvar.resetValue)) print(piece);
  }

  private clientInSlot(arg: string | undefined, print: (text: string) => void): EmulatedClient | null {
    const slot = Number(arg);
    if (arg === undefined || !/^\d+$/.test(arg) || slot >= this.maxClients) {
      print(`Bad client slot: ${arg ?? ""}\n`);
      return null;
    }
    const client = this.clients.get(slot);
    if (!client) print(`Client ${slot} is not active\n`);
    return client ?? null;
  }

  private kickClient(client: EmulatedClient, print: (text: string) => void): void {
    this.clients.delete(client.slot);
    print(`broadcast: print "${client.name}^7 was kicked\\n"\n`);
    print(`Kill: 1022 ${client.slot} 20: <world> killed ${client.name} by MOD_SUICIDE\n`);
    print("Playerstore: Failed to store player. Invalid guid: \n");
    print(`ClientDisconnect: ${client.slot}\n`);
  }

  private statusRows(): StatusRow[] {
    return this.sortedClients().map((c) => ({
      slot: c.slot,
      score: c.score,
      ping: c.ping,
      state: null,
      name: c.name,
      address: c.address,
      rate: c.rate,
      guid: c.guid,
      lastMsg: c.isBot ? 0 : randomInt(this.random, 0, 100),
      qport: c.qport,
    }));
  }

  private readonly handlers: Record<string, (args: string[], print: (text: string) => void) => void> = {
    status: (_args, print) => {
      for (const piece of this.options.dialect.quake3.statusFormat.print(
        this.mapName,
        this.statusRows(),
        this.options.dialect.quake3.colourRule,
      ))
        print(piece);
    },
    serverinfo: (_args, print) => {
      print("Server info settings:\n");
      for (const [key, value] of Object.entries(this.serverInfo()))
        print(`${key.padEnd(20, " ")} ${value}\n`);
    },
    cvarlist: (args, print) => {
      let count = 0;
      for (const cvar of this.cvars.values()) {
        if (args[0] && !cvar.name.toLowerCase().startsWith(args[0].toLowerCase().replace(/\*$/, "")))
          continue;
        for (const flag of cvar.flags) print(flag); // one print per flag, as Cvar_List_f does
        print(` ${cvar.name} "${cvar.value}"\n`);
        count++;
      }
      print(`\n${count} total cvars\n`);
      print(`${this.cvars.size} cvar indexes\n`);
    },
    cmdlist: (_args, print) => {
      const names = Object.keys(this.handlers);
      for (const name of names) print(`${name}\n`);
      print(`${names.length} commands\n`);
    },
    echo: (args, print) => print(`${args.join(" ")}\n`),
    say: (args, print) => {
      const text = args.join(" ");
      appendRecent(this.chat, `console: ${text}`);
      print(`console: ${text}\n`);
    },
    tell: (args, print) => {
      if (args.length < 2) {
        print("Usage: tell <client number> <text>\n");
        return;
      }
      const client = this.clientInSlot(args[0], print);
      if (!client) return;
      const text = args.slice(1).join(" ");
      appendRecent(this.chat, `console_tell to ${client.slot}: ${text}`);
      print(`console_tell: ${text}\n`);
    },
    clientkick: (args, print) => {
      if (args.length !== 1) {
        print("Usage: clientkick <client number>\n");
        return;
      }
      const client = this.clientInSlot(args[0], print);
      if (client) this.kickClient(client, print);
    },
    kicknum: (args, print) => this.handlers.clientkick?.(args, print),
    kick: (args, print) => {
      const name = args[0];
      if (name === undefined) {
        print("Usage: kick <player name>\nkick all = kick everyone\nkick allbots = kick all bots\n");
        return;
      }
      const client = this.sortedClients().find(
        (c) =>
          stripColourCodes(c.name, "ioq3").toLowerCase() === stripColourCodes(name, "ioq3").toLowerCase(),
      );
      if (client) this.kickClient(client, print);
      else print(`Player ${name} is not on the server\n`);
    },
    kickbots: (_args, print) => {
      for (const client of this.sortedClients()) if (client.isBot) this.kickClient(client, print);
    },
    kickall: (_args, print) => {
      for (const client of this.sortedClients()) if (!client.isBot) this.kickClient(client, print);
    },
    addbot: (args, print) => {
      if (!args[0]) {
        print("Usage: Addbot <botname> [skill 1-5] [team] [msec delay] [altname]\n");
        return;
      }
      this.addClient(args[4] ?? args[0], true);
    },
    banaddr: (args, print) => {
      const target = args[0];
      if (target === undefined) {
        print("Usage: banaddr (ip[/subnet] | clientnum [subnet])\n");
        return;
      }
      let address: string;
      if (/^\d{1,2}$/.test(target)) {
        const client = this.clientInSlot(target, print);
        if (!client) return;
        const ip = /^(\d+\.\d+\.\d+\.\d+):/.exec(client.address)?.[1];
        if (!ip) {
          print("Error: Can ban players connected via the internet only.\n");
          return;
        }
        address = `${ip}/${args[1] ?? "32"}`;
      } else {
        const m = /^(\d+\.\d+\.\d+\.\d+)(?:\/(\d+))?$/.exec(target);
        if (!m) {
          print("Error: Invalid address " + target + "\n");
          return;
        }
        address = `${m[1]}/${m[2] ?? "32"}`;
      }
      this.engineBans.push(address);
      print(`Added ban: ${address}\n`);
    },
    listbans: (_args, print) => {
      for (const piece of engineBanPieces(this.engineBans)) print(piece);
    },
    bandel: (args, print) => {
      const index = Number(args[0]);
      const ban = this.engineBans[index - 1];
      if (!/^\d+$/.test(args[0] ?? "") || ban === undefined) {
        print("Error: Invalid ban number given\n");
        return;
      }
      this.engineBans.splice(index - 1, 1);
      print(`Deleting ban ${ban}\n`);
    },
    flushbans: (_args, print) => {
      this.engineBans.length = 0;
      print("All bans and exceptions have been deleted.\n");
    },
    addip: (args, print) => {
      if (!args[0]) {
        print("Usage:  addip <ip-mask>\n");
        return;
      }
      const banned = this.cvars.get("g_banips");
      if (banned) banned.value = `${banned.value}${args[0]} `;
    },
    removeip: (args, print) => {
      const banned = this.cvars.get("g_banips");
      const masks = (banned?.value ?? "").split(" ").filter((m) => m !== "");
      const index = masks.indexOf(args[0] ?? "");
      if (!banned || index < 0) {
        print(`Didn't find ${args[0] ?? ""}.\n`);
        return;
      }
      masks.splice(index, 1);
      banned.value = masks.map((m) => `${m} `).join("");
      print("Removed.\n");
    },
    listip: (_args, print) => {
      const banned = this.cvars.get("g_banips");
      if (banned) this.printCvar(banned, print);
    },
    dumpuser: (args, print) => {
      const client = this.sortedClients().find((c) => stripColourCodes(c.name, "ioq3") === args[0]);
      if (!client) {
        print(`Player ${args[0] ?? ""} is not on the server\n`);
        return;
      }
      for (const piece of userinfoPieces(client)) print(piece);
    },
    map: (args, print) => {
      if (!args[0]) return;
      this.mapName = args[0];
      this.setCvar("mapname", args[0]);
      print(`------ Server Initialization ------\nServer: ${args[0]}\n`);
    },
    set: (args) => {
      if (args[0] && args[1] !== undefined) this.setCvar(args[0], args.slice(1).join(" "));
    },
  };
}

export async function startQuake3Emulator(options: Quake3EmulatorOptions): Promise<Quake3Emulator> {
  return new Quake3Emulator(options).listen();
}

export const emulator: FamilyEmulator<Quake3Emulator> = {
  flags: {
    bots: { type: "string", description: "comma-separated bot names present at start (e.g. Grism,Sarge)" },
    map: { type: "string", description: "map name (default oa_dm1)" },
    hostname: { type: "string", description: "server name, colour codes allowed" },
    "max-clients": { type: "number", description: "sv_maxclients (default 16)" },
  },
  start(options) {
    const id = options.game ?? "openarena";
    const dialect = findQuake3Dialect(id);
    if (!dialect) throw new Error(`"${id}" is not a Quake 3 dialect`);
    const extra = options.extra ?? {};
    const bots =
      typeof extra.bots === "string"
        ? extra.bots
            .split(",")
            .map((b) => b.trim())
            .filter((b) => b !== "")
        : [];
    return startQuake3Emulator({
      ...options,
      dialect,
      bots,
      ...(typeof extra.map === "string" ? { mapName: extra.map } : {}),
      ...(typeof extra.hostname === "string" ? { hostname: extra.hostname } : {}),
      ...(typeof extra["max-clients"] === "number" ? { maxClients: extra["max-clients"] } : {}),
    });
  },
};
