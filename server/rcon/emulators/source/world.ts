/**
 * The simulated game world behind the Source emulator: players who join and leave over time
 * (seeded PRNG, so a --seed reproduces a session), bans, a map and a long cvar list. Pure state;
 * emulator.ts drives the clock and the sockets, games.ts renders it per game.
 */
import { PLAYER_NAMES } from "../names.ts";
import { pick, randomInt, type Random } from "../../random.ts";

export interface EmulatedPlayer {
  userid: number;
  name: string;
  /** Steam account id (SteamID3 [U:1:n]); SteamID64 = 76561197960265728 + n. */
  accountId: number;
  ip: string;
  port: number;
  joinedAt: number;
  ping: number;
  isBot: boolean;
  /** Minecraft's player UUID, when a test sets one (the emulator derives one from accountId). */
  uuid?: string;
}

export interface EmulatedBan {
  kind: "steamid" | "ip" | "name";
  /** Canonical value: account id as a string for steamid, the IP, or the name. */
  value: string;
  /** null = permanent. */
  expiresAt: number | null;
  reason: string;
  source: string;
  /** The name shown for name/steamid bans. */
  label: string;
}

export interface WorldOptions {
  random: Random;
  now: number;
  players: number;
  maxPlayers: number;
  /** "identifier": names the game accepts as ids (Minecraft, Factorio): [A-Za-z0-9_]. */
  nameStyle: "any" | "identifier";
  bots: number;
}

const STEAM64_BASE = 76561197960265728n;

export function steam64(accountId: number): string {
  return (STEAM64_BASE + BigInt(accountId)).toString();
}

export function accountIdFrom(value: string): number | null {
  let match = /^STEAM_[0-5]:([01]):(\d+)$/.exec(value);
  if (match) return Number(match[2]) * 2 + Number(match[1]);
  match = /^\[U:1:(\d+)\]$/.exec(value);
  if (match) return Number(match[1]);
  if (/^7656119\d{10}$/.test(value)) return Number(BigInt(value) - STEAM64_BASE);
  return null;
}

export function steamId2(accountId: number, universe: 0 | 1): string {
  return `STEAM_${universe}:${accountId % 2}:${Math.floor(accountId / 2)}`;
}

function identifierName(name: string, random: Random): string {
  const cleaned = name
    .normalize("NFKD")
    .replace(/[^A-Za-z0-9_]/g, "")
    .slice(0, 16);
  return cleaned.length >= 3 ? cleaned : `Player${randomInt(random, 100, 999)}`;
}

export class EmulatedWorld {
  readonly players: EmulatedPlayer[] = [];
  readonly bans: EmulatedBan[] = [];
  readonly chat: string[] = [];
  map = "";
  hostname = "";
  private nextUserid = 2;
  private readonly random: Random;

  constructor(private readonly options: WorldOptions) {
    this.random = options.random;
    for (let i = 0; i < options.bots; i++) this.join(options.now, true);
    for (let i = 0; i < options.players; i++) this.join(options.now);
  }

  get maxPlayers(): number {
    return this.options.maxPlayers;
  }

  get humans(): EmulatedPlayer[] {
    return this.players.filter((p) => !p.isBot);
  }

  join(now: number, isBot = false): EmulatedPlayer | null {
    if (this.players.length >= this.options.maxPlayers) return null;
    let name = isBot
      ? `BOT ${pick(this.random, ["Gary", "Heavy", "Zed", "Rookie", "Chad"])}`
      : pick(this.random, PLAYER_NAMES);
    if (this.options.nameStyle === "identifier") name = identifierName(name, this.random);
    if (this.players.some((p) => p.name === name))
      name =
        this.options.nameStyle === "identifier"
          ? `${name.slice(0, 13)}_${randomInt(this.random, 10, 99)}`
          : `${name} (${randomInt(this.random, 2, 9)})`;
    const player: EmulatedPlayer = {
      userid: this.nextUserid++,
      name,
      accountId: randomInt(this.random, 10_000_000, 999_999_999),
      ip: `${pick(this.random, [81, 92, 178, 203, 24, 73])}.${randomInt(this.random, 0, 255)}.${randomInt(this.random, 0, 255)}.${randomInt(this.random, 1, 254)}`,
      port: randomInt(this.random, 27005, 65000),
      joinedAt: now - (isBot ? 0 : randomInt(this.random, 0, 3_600_000)),
      ping: isBot ? 0 : randomInt(this.random, 12, 180),
      isBot,
    };
    if (this.isBanned(player, now)) return null;
    this.players.push(player);
    return player;
  }

  remove(player: EmulatedPlayer): void {
    const index = this.players.indexOf(player);
    if (index >= 0) this.players.splice(index, 1);
  }

  /** One step of simulated life: someone joins, leaves, chats, pings drift. Returns a chat line sometimes. */
  tick(
    now: number,
    targetPlayers: number,
  ): { joined?: EmulatedPlayer; left?: EmulatedPlayer; chat?: { player: EmulatedPlayer; text: string } } {
    for (const p of this.players) if (!p.isBot) p.ping = Math.max(5, p.ping + randomInt(this.random, -8, 8));
    const humans = this.humans;
    const roll = this.random();
    if (roll < 0.35) {
      const joined = humans.length < targetPlayers + 2 ? this.join(now) : null;
      if (joined) return { joined };
    } else if (roll < 0.6 && humans.length > Math.max(0, targetPlayers - 2)) {
      const left = pick(this.random, humans);
      this.remove(left);
      return { left };
    } else if (roll < 0.85 && humans.length > 0) {
      const player = pick(this.random, humans);
      const text = pick(this.random, [
        "gg",
        "anyone on comms?",
        "lag?",
        "nice shot",
        "привет всем",
        "rtv",
        "admin pls",
        "brb",
        "ez",
        "who's 'The Doctor'?",
      ]);
      return { chat: { player, text } };
    }
    return {};
  }

  findByUserid(userid: string): EmulatedPlayer | undefined {
    return this.players.find((p) => String(p.userid) === userid);
  }

  findByAccount(accountId: number): EmulatedPlayer | undefined {
    return this.players.find((p) => p.accountId === accountId);
  }

  findByName(name: string): EmulatedPlayer | undefined {
    return this.players.find((p) => p.name.toLowerCase() === name.toLowerCase());
  }

  /**
   * A broken server (a plugin swallowing bans, a read-only ban file): ban commands answer as usual
   * but nothing is stored, the "ok but did nothing" case RconDeck must catch by re-listing.
   */
  ignoreBans = false;

  addBan(ban: EmulatedBan): void {
    if (this.ignoreBans) return;
    const existing = this.bans.findIndex((b) => b.kind === ban.kind && b.value === ban.value);
    if (existing >= 0) this.bans.splice(existing, 1, ban);
    else this.bans.push(ban);
  }

  removeBan(kind: EmulatedBan["kind"], value: string): EmulatedBan | null {
    const index = this.bans.findIndex(
      (b) => b.kind === kind && b.value.toLowerCase() === value.toLowerCase(),
    );
    if (index < 0) return null;
    return this.bans.splice(index, 1)[0] ?? null;
  }

  activeBans(now: number): EmulatedBan[] {
    for (let i = this.bans.length - 1; i >= 0; i--) {
      const ban = this.bans[i] as EmulatedBan;
      if (ban.expiresAt !== null && ban.expiresAt <= now) this.bans.splice(i, 1);
    }
    return this.bans;
  }

  private isBanned(player: EmulatedPlayer, now: number): boolean {
    return this.activeBans(now).some(
      (b) =>
        (b.kind === "steamid" && b.value === String(player.accountId)) ||
        (b.kind === "ip" && b.value === player.ip) ||
        (b.kind === "name" && b.value.toLowerCase() === player.name.toLowerCase()),
    );
  }
}

const CVAR_PREFIXES = [
  "sv",
  "mp",
  "cl",
  "r",
  "mat",
  "snd",
  "net",
  "ai",
  "bot",
  "host",
  "phys",
  "tv",
  "fps",
  "nav",
  "voice",
  "rcon",
];
const CVAR_WORDS = [
  "max",
  "min",
  "rate",
  "time",
  "limit",
  "enable",
  "debug",
  "mode",
  "scale",
  "speed",
  "friendly",
  "fire",
  "round",
  "team",
  "spawn",
  "draw",
  "cheats",
  "accelerate",
  "gravity",
  "timeout",
  "lag",
  "interp",
  "update",
  "cmd",
  "buy",
  "freeze",
  "warmup",
  "radius",
  "delay",
  "log",
];
const CVAR_FLAGS = ['"sv"', '"cheat"', '"rep"', '"nf"', '"cl"', '"a"', '"norecord"', '"launcher"'];

/** A deterministic SRCDS-style `cvarlist`: about 1600 rows, well over 100 kB, like real servers (43+ packets). */
export function buildCvarList(
  random: Random,
): { name: string; value: string; flags: string; help: string }[] {
  const seen = new Set<string>();
  const rows: { name: string; value: string; flags: string; help: string }[] = [];
  while (rows.length < 1600) {
    const name = `${pick(random, CVAR_PREFIXES)}_${pick(random, CVAR_WORDS)}${random() < 0.5 ? `_${pick(random, CVAR_WORDS)}` : ""}`;
    if (seen.has(name)) {
      if (seen.size > 4000) break;
      continue;
    }
    seen.add(name);
    const value =
      random() < 0.2
        ? "cmd"
        : String(random() < 0.5 ? randomInt(random, 0, 1) : randomInt(random, 0, 10_000));
    const flags = CVAR_FLAGS.filter(() => random() < 0.25).join(", ");
    const help = `Controls ${name.replace(/_/g, " ")} (${pick(random, ["seconds", "units", "0 disables", "server only", "requires restart"])}).`;
    rows.push({ name, value, flags, help });
  }
  return rows.sort((a, b) => a.name.localeCompare(b.name));
}
