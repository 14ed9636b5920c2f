/**
 * Per-game behaviour of the emulator: which commands exist and how their answers look, in the real
 * formats the dialect parsers read. A table of games, each a table of command handlers (data, not
 * `if (game === ...)`).
 */
import { ARK_EMPTY_ANSWER } from "../../protocol/source/dialects/ark.ts";
import { SQUAD_CHAT_PACKET_TYPE } from "../../protocol/source/dialects/squad.ts";
import {
  accountIdFrom,
  steam64,
  steamId2,
  type EmulatedBan,
  type EmulatedPlayer,
  type EmulatedWorld,
} from "./world.ts";
import { appendRecent } from "../recent-log.ts";

export interface CommandContext {
  world: EmulatedWorld;
  now: number;
  /** Arguments split like the Source console does (double quotes group words). */
  args: string[];
  /** Everything after the command name, as typed. */
  rest: string;
  cvars: readonly { name: string; value: string; flags: string; help: string }[];
  /** Sends an unsolicited packet to this client (Rust answers `say` with id -1). */
  push: (id: number, type: number, text: string) => void;
}

export type CommandHandler = (ctx: CommandContext) => string;

export interface EmulatedGame {
  maps: readonly string[];
  maxPlayers: number;
  bots: number;
  nameStyle: "any" | "identifier";
  /** Command names are matched case-insensitively. */
  commands: Readonly<Record<string, CommandHandler>>;
  unknown(name: string): string;
  /** Handles text that is not a command at all (Factorio: text without a slash is chat). */
  freeText?: CommandHandler;
  /** A pushed chat line (Squad), or null when the game pushes nothing. */
  chatPacket?(player: EmulatedPlayer, text: string): { type: number; text: string };
}

export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  const pattern = /"([^"]*)"?|(\S+)/g;
  for (const match of text.matchAll(pattern)) tokens.push(match[1] ?? match[2] ?? "");
  return tokens;
}

const pad = (value: string | number, width: number) => String(value).padEnd(width);
const padStart = (value: string | number, width: number) => String(value).padStart(width);

function clock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = String(m).padStart(2, "0");
  const ss = String(s).padStart(2, "0");
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

function expiry(minutes: number, now: number): number | null {
  return minutes > 0 ? now + minutes * 60_000 : null;
}

// --- SRCDS ---------------------------------------------------------------------------------------

type SteamStyle = "steam0" | "steam1" | "steam3";

function formatSteam(accountId: number, style: SteamStyle): string {
  if (style === "steam3") return `[U:1:${accountId}]`;
  return steamId2(accountId, style === "steam0" ? 0 : 1);
}

function source1Status(style: SteamStyle, withSlot: boolean) {
  return ({ world, now }: CommandContext) => {
    const humans = world.humans.length;
    const header = [
      `hostname: ${world.hostname}`,
      `version : 8835751/24 8835751 secure`,
      `udp/ip  : 0.0.0.0:27015  (public ip: 203.0.113.7)`,
      `steamid : [G:1:4242424] (85568392924242424)`,
      `account : not logged in  (No account specified)`,
      `map     : ${world.map} at: 0 x, 0 y, 0 z`,
      `tags    : alltalk,increased_maxplayers`,
      `players : ${humans} humans, ${world.players.length - humans} bots (${world.maxPlayers} max)`,
      `edicts  : 1043 used of 2048 max`,
      withSlot
        ? `# userid name uniqueid connected ping loss state rate adr`
        : `# userid name                uniqueid            connected ping loss state  adr`,
    ];
    const rows = world.players.map((p, slot) => {
      const id = withSlot ? `# ${p.userid} ${slot + 1}` : `#${padStart(p.userid, 7)}`;
      if (p.isBot)
        return withSlot
          ? `${id} "${p.name}" BOT active 64`
          : `${id} ${pad(`"${p.name}"`, 19)} BOT                                       active`;
      const steam = formatSteam(p.accountId, style);
      return withSlot
        ? `${id} "${p.name}" ${steam} ${clock(now - p.joinedAt)} ${p.ping} 0 active 786432 ${p.ip}:${p.port}`
        : `${id} ${pad(`"${p.name}"`, 19)} ${pad(steam, 19)} ${pad(clock(now - p.joinedAt), 9)} ${padStart(p.ping, 4)} ${padStart(0, 4)} active ${p.ip}:${p.port}`;
    });
    return [...header, ...rows, withSlot ? "#end" : ""].join("\n") + "\n";
  };
}

function cs2Status({ world, now }: CommandContext): string {
  const humans = world.humans.length;
  const lines = [
    "Server:  Running [0.0.0.0:27015]",
    "Client:  Disconnected",
    "@ Current  :  game",
    "source   : console",
    `hostname : ${world.hostname}`,
    `spawngroup  :  1   [1: ${world.map} | main lump | mapload]`,
    "version  : 1.40.4.5/14045 secure  public",
    "steamid  : [A:1:4242424:12345] (90212345678901234)",
    "udp/ip   : 0.0.0.0:27015 (public 203.0.113.7:27015)",
    `players  : ${humans} humans, ${world.players.length - humans} bots (${world.maxPlayers} max)`,
    "---------players--------",
    "  id     time ping loss      state   rate adr name",
    "65535 [NoChan]    0    0 challenging      0unknown ''",
    ...world.players.map((p) =>
      p.isBot
        ? `${padStart(p.userid, 5)} ${padStart("BOT", 8)} ${padStart(0, 4)} ${padStart(0, 4)} ${padStart("active", 10)} ${padStart(0, 6)} '${p.name}'`
        : `${padStart(p.userid, 5)} ${padStart(clock(now - p.joinedAt), 8)} ${padStart(p.ping, 4)} ${padStart(0, 4)} ${padStart("active", 10)} ${padStart(786432, 6)} ${p.ip}:${p.port} '${p.name}'`,
    ),
    "#end",
  ];
  return lines.join("\n") + "\n";
}

function cvarlist({ cvars, args }: CommandContext): string {
  const prefix = (args[0] ?? "").toLowerCase();
  const rows = cvars.filter((c) => c.name.startsWith(prefix));
  return (
    [
      "cvar list",
      "--------------",
      ...rows.map(
        (c) =>
          `${pad(c.name, 40)} : ${pad(c.value, 8)} : ${pad(c.flags ? `, ${c.flags}` : "", 22)} : ${c.help}`,
      ),
      "--------------",
      `${rows.length} total convars/concommands`,
    ].join("\n") + "\n"
  );
}

function filterList(world: EmulatedWorld, now: number, kind: "steamid" | "ip", style: SteamStyle): string {
  const bans = world.activeBans(now).filter((b) => b.kind === kind);
  const title = kind === "ip" ? "IP filter list" : "ID filter list";
  if (bans.length === 0) return `${title}: empty\n`;
  const head =
    kind === "ip" ? `${title}:` : `${title}: ${bans.length} entr${bans.length === 1 ? "y" : "ies"}`;
  const rows = bans.map((b, i) => {
    const value = kind === "ip" ? b.value : formatSteam(Number(b.value), style);
    const left = b.expiresAt === null ? "permanent" : `${((b.expiresAt - now) / 60_000).toFixed(3)} min`;
    return `${i + 1} ${value} : ${left}`;
  });
  return [head, ...rows].join("\n") + "\n";
}

/** A convar typed as a command: `"sv_password" = "x" ( def. "" )` with its flags and help, or set. */
function convar(name: string): CommandHandler {
  return ({ cvars, args }) => {
    const cvar = cvars.find((c) => c.name === name);
    if (!cvar) return `Unknown command "${name}"\n`;
    if (args.length > 0) {
      cvar.value = args.join(" ");
      return "";
    }
    return `"${cvar.name}" = "${cvar.value}" ( def. "" )\n ${cvar.flags}\n - ${cvar.help}\n`;
  };
}

function srcdsCommands(style: SteamStyle, status: CommandHandler): Record<string, CommandHandler> {
  const describe = (p: EmulatedPlayer) => `"${p.name}<${p.userid}><${formatSteam(p.accountId, style)}><>"`;
  return {
    status,
    cvarlist,
    find: ({ cvars, args }) =>
      cvars
        .filter((c) => c.name.includes((args[0] ?? "").toLowerCase()))
        .map((c) => `"${c.name}" = "${c.value}" ${c.flags}\n - ${c.help}`)
        .join("\n") + "\n",
    echo: ({ rest }) => `${rest}\n`,
    hostname: ({ world, args }) => {
      if (args[0]) world.hostname = args.join(" ");
      return `"hostname" = "${world.hostname}"\n`;
    },
    users: ({ world }) =>
      [
        '<slot:userid:"name">',
        ...world.players.map((p, i) => `${i}:${p.userid}:"${p.name}"`),
        `${world.players.length} users`,
      ].join("\n") + "\n",
    stats: () =>
      "CPU    In_(KB/s)  Out_(KB/s)  Uptime  Map_changes  FPS      Players  Connects\n12.00  42.13      87.55       1337    3            66.67    8        41\n",
    changelevel: ({ world, args }) => {
      world.map = args[0] ?? world.map;
      return "";
    },
    say: ({ world, rest }) => {
      appendRecent(world.chat, `Console: ${rest.replace(/^"|"$/g, "")}`);
      return "";
    },
    kickid: ({ world, args }) => {
      const player = world.findByUserid(args[0] ?? "");
      if (!player) return `kickid:  couldn't find userid ${args[0] ?? ""}\n`;
      world.remove(player);
      return `Kicked ${describe(player)} (${args.slice(1).join(" ") || "Kicked by Console"})\n`;
    },
    banid: ({ world, args, now }) => {
      const minutes = Number(args[0]);
      const target = args[1] ?? "";
      if (!Number.isFinite(minutes) || !target)
        return "Usage:  banid < minutes > < userid | uniqueid > { kick }\n";
      const player = world.findByUserid(target);
      const accountId = player ? player.accountId : accountIdFrom(target);
      if (accountId === null) return `banid:  couldn't find userid ${target}\n`;
      world.addBan({
        kind: "steamid",
        value: String(accountId),
        expiresAt: expiry(minutes, now),
        reason: "",
        source: "Console",
        label: player?.name ?? "",
      });
      const online = player ?? world.findByAccount(accountId);
      if (online && (args[2] === "kick" || !player)) world.remove(online);
      const how = minutes > 0 ? `for ${minutes.toFixed(2)} minutes` : "permanently";
      return `Banid: "<><${formatSteam(accountId, style)}><>" was banned "${how}" by "Console"\n`;
    },
    addip: ({ world, args, now }) => {
      const minutes = Number(args[0]);
      const ip = args[1] ?? "";
      if (!Number.isFinite(minutes) || !/^\d+\.\d+\.\d+\.\d+$/.test(ip))
        return "Usage:  addip < minutes > < ipaddress >\n";
      world.addBan({
        kind: "ip",
        value: ip,
        expiresAt: expiry(minutes, now),
        reason: "",
        source: "Console",
        label: ip,
      });
      for (const p of world.players.filter((x) => x.ip === ip)) world.remove(p);
      return `Addip: "<><><${ip}>" was banned "${minutes > 0 ? `for ${minutes.toFixed(2)} minutes` : "permanently"}" by "Console"\n`;
    },
    removeid: ({ world, args }) => {
      const accountId = accountIdFrom(args[0] ?? "");
      const removed = accountId === null ? null : world.removeBan("steamid", String(accountId));
      return removed
        ? `removeid:  filter removed for ${args[0] ?? ""}\n`
        : `removeid:  couldn't find ${args[0] ?? ""}\n`;
    },
    removeip: ({ world, args }) =>
      world.removeBan("ip", args[0] ?? "")
        ? `removeip:  filter removed for ${args[0] ?? ""}\n`
        : "removeip:  couldn't find\n",
    listid: ({ world, now }) => filterList(world, now, "steamid", style),
    listip: ({ world, now }) => filterList(world, now, "ip", style),
    writeid: () => "",
    writeip: () => "",
    rcon_password: convar("rcon_password"),
    sv_password: convar("sv_password"),
  };
}

function srcdsGame(
  maps: readonly string[],
  commands: Record<string, CommandHandler>,
  bots = 1,
): EmulatedGame {
  return {
    maps,
    maxPlayers: 24,
    bots,
    nameStyle: "any",
    commands,
    unknown: (name) => `Unknown command "${name}"\n`,
  };
}

// --- Minecraft ------------------------------------------------------------------------------------

function minecraftBans(world: EmulatedWorld, now: number, which: string | undefined): string {
  const bans = world
    .activeBans(now)
    .filter((b) => (which === "ips" ? b.kind === "ip" : which === "players" ? b.kind === "name" : true));
  if (bans.length === 0) return "There are no bans";
  // Real servers concatenate the feedback lines without separators over RCON.
  return (
    `There are ${bans.length} ban(s):` +
    bans.map((b) => `${b.value} was banned by ${b.source}: ${b.reason}`).join("")
  );
}

const MINECRAFT_HELP = Array.from(
  { length: 140 },
  (_, i) =>
    `/${["advancement", "attribute", "ban", "bossbar", "clear", "clone", "data", "datapack", "debug", "effect", "enchant", "execute", "fill", "gamerule", "give", "kill", "locate", "particle", "scoreboard", "teleport"][i % 20]} ${["(grant|revoke) <targets>", "<target> <attribute> (base|get|modifier)", "<targets> [<reason>]", "(add|get|list|remove|set)", "[<targets>] [<item>] [<maxCount>]", "<begin> <end> <destination> [replace|masked|filtered] — Zoë's «copy» ✓", "(get|merge|modify|remove)"][i % 7]}`,
).join("");

/** The player's UUID; players made by the world get one derived from their account id. */
export function minecraftUuid(player: EmulatedPlayer): string {
  return player.uuid ?? `00000000-0000-4000-8000-${player.accountId.toString(16).padStart(12, "0")}`;
}

const minecraftCommands: Record<string, CommandHandler> = {
  // `list uuids` (1.16+) adds each player's UUID in parentheses.
  list: ({ world, args }) =>
    `There are ${world.players.length} of a max of ${world.maxPlayers} players online: ${world.players.map((p) => (args[0] === "uuids" ? `${p.name} (${minecraftUuid(p)})` : p.name)).join(", ")}`,
  kick: ({ world, args }) => {
    const player = world.findByName(args[0] ?? "");
    if (!player) return "No player was found";
    world.remove(player);
    return `Kicked ${player.name}: ${args.slice(1).join(" ") || "Kicked by an operator"}`;
  },
  ban: ({ world, args, now }) => {
    const name = args[0] ?? "";
    if (!/^[A-Za-z0-9_]{1,16}$/.test(name)) return "Unknown or incomplete command, see below for error";
    if (world.activeBans(now).some((b) => b.kind === "name" && b.value.toLowerCase() === name.toLowerCase()))
      return "Nothing changed. The player is already banned";
    const reason = args.slice(1).join(" ") || "Banned by an operator.";
    world.addBan({
      kind: "name",
      value: world.findByName(name)?.name ?? name,
      expiresAt: null,
      reason,
      source: "Rcon",
      label: name,
    });
    const online = world.findByName(name);
    if (online) world.remove(online);
    return `Banned ${name}: ${reason}`;
  },
  "ban-ip": ({ world, args }) => {
    const ip = args[0] ?? "";
    if (!/^\d+\.\d+\.\d+\.\d+$/.test(ip)) return "Invalid IP address or unknown player";
    const reason = args.slice(1).join(" ") || "Banned by an operator.";
    world.addBan({ kind: "ip", value: ip, expiresAt: null, reason, source: "Rcon", label: ip });
    return `Banned IP ${ip}: ${reason}`;
  },
  pardon: ({ world, args }) =>
    world.removeBan("name", args[0] ?? "")
      ? `Unbanned ${args[0] ?? ""}`
      : "Nothing changed. The player isn't banned",
  "pardon-ip": ({ world, args }) =>
    world.removeBan("ip", args[0] ?? "")
      ? `Unbanned IP ${args[0] ?? ""}`
      : "Nothing changed. That IP isn't banned",
  banlist: ({ world, now, args }) => minecraftBans(world, now, args[0]),
  say: ({ world, rest }) => {
    appendRecent(world.chat, `[Rcon] ${rest}`);
    return "";
  },
  tell: ({ world, args }) => {
    const player = world.findByName(args[0] ?? "");
    return player ? `You whisper to ${player.name}: ${args.slice(1).join(" ")}` : "No player was found";
  },
  help: () => MINECRAFT_HELP,
  "save-all": () => "Saving the game (this may take a moment!)Saved the game",
};

// --- Rust (legacy), ARK, Squad, Factorio, Palworld -----------------------------------------------------

const rustCommands: Record<string, CommandHandler> = {
  status: ({ world, now }) =>
    [
      `hostname: ${world.hostname}`,
      "version : 2260 secure (secure mode enabled, connected to Steam3)",
      `map     : ${world.map}`,
      `players : ${world.humans.length} (${world.maxPlayers} max) (0 queued) (0 joining)`,
      "",
      "id                name                ping connected addr                 owner violation kicks",
      ...world.humans.map(
        (p) =>
          `${steam64(p.accountId)} ${pad(`"${p.name}"`, 19)} ${pad(p.ping, 4)} ${pad(`${((now - p.joinedAt) / 1000).toFixed(1)}s`, 9)} ${pad(`${p.ip}:${p.port}`, 20)} ${pad("", 5)} 0.0       0`,
      ),
    ].join("\n") + "\n",
  kick: ({ world, args }) => {
    const player = world.humans.find((p) => steam64(p.accountId) === args[0] || p.name === args[0]);
    if (!player) return `Player not found: ${args[0] ?? ""}`;
    world.remove(player);
    return `Kicked: ${player.name}`;
  },
  ban: ({ world, args }) => {
    const accountId = accountIdFrom(args[0] ?? "");
    if (accountId === null) return `Player not found: ${args[0] ?? ""}`;
    const player = world.findByAccount(accountId);
    world.addBan({
      kind: "steamid",
      value: String(accountId),
      expiresAt: null,
      reason: args[1] ?? "",
      source: "SERVER",
      label: player?.name ?? "",
    });
    if (player) world.remove(player);
    return `Banned User: ${args[0] ?? ""} - ${player?.name ?? ""}`;
  },
  unban: ({ world, args }) => {
    const accountId = accountIdFrom(args[0] ?? "");
    return accountId !== null && world.removeBan("steamid", String(accountId))
      ? `Unbanned User: ${args[0] ?? ""}`
      : `User ${args[0] ?? ""} isn't banned`;
  },
  banlistex: ({ world, now }) =>
    world
      .activeBans(now)
      .filter((b) => b.kind === "steamid")
      .map((b, i) => `${i + 1} ${steam64(Number(b.value))} "${b.label}" "${b.reason}" -1`)
      .join("\n") + "\n",
  say: ({ world, rest, push }) => {
    appendRecent(world.chat, `SERVER: ${rest.replace(/^"|"$/g, "")}`);
    push(-1, 0, `[CHAT] SERVER: ${rest.replace(/^"|"$/g, "")}`); // Rust answers `say` with id -1
    return "";
  },
};

const arkCommands: Record<string, CommandHandler> = {
  listplayers: ({ world }) =>
    world.humans.length === 0
      ? "\n No Players Connected \n"
      : world.humans.map((p, i) => `${i}. ${p.name}, ${steam64(p.accountId)} `).join("\n") + "\n",
  kickplayer: ({ world, args }) => {
    const player = world.humans.find((p) => steam64(p.accountId) === args[0]);
    if (player) world.remove(player);
    return player ? `${args[0] ?? ""} Kicked` : "";
  },
  banplayer: ({ world, args }) => {
    const accountId = accountIdFrom(args[0] ?? "");
    if (accountId === null) return "";
    world.addBan({
      kind: "steamid",
      value: String(accountId),
      expiresAt: null,
      reason: "",
      source: "Admin",
      label: "",
    });
    const player = world.findByAccount(accountId);
    if (player) world.remove(player);
    return `${args[0] ?? ""} Banned`;
  },
  unbanplayer: ({ world, args }) => {
    const accountId = accountIdFrom(args[0] ?? "");
    return accountId !== null && world.removeBan("steamid", String(accountId))
      ? `${args[0] ?? ""} Unbanned`
      : "";
  },
  serverchat: ({ world, rest }) => {
    appendRecent(world.chat, `SERVER: ${rest}`);
    return "";
  },
  serverchatto: () => "",
  saveworld: () => "World Saved",
};

/**
 * Team and squad come from the player (as in the game, where they change only when the player
 * switches), not from the list position: numbered by position, every join or leave moved half the
 * server to the other team, and the hub re-sent the whole list each time.
 */
function squadPlayersText(world: EmulatedWorld): string {
  return (
    [
      "----- Active Players -----",
      ...world.humans.map(
        (p) =>
          `ID: ${p.userid} | Online IDs: EOS: 0002${p.accountId.toString(16).padStart(28, "0")} steam: ${steam64(p.accountId)} | Name: ${p.name} | Team ID: ${(p.userid % 2) + 1} | Squad ID: ${p.userid % 3 === 0 ? "N/A" : (p.userid % 5) + 1} | Is Leader: False | Role: USA_Rifleman_01`,
      ),
      "----- Recently Disconnected Players [Max of 15] -----",
    ].join("\n") + "\n"
  );
}

const squadCommands: Record<string, CommandHandler> = {
  listplayers: ({ world }) => squadPlayersText(world),
  showcurrentmap: ({ world }) =>
    `Current level is ${world.map.split(" ")[0] ?? ""}, layer is ${world.map}, factions USA RGF`,
  showserverinfo: ({ world }) =>
    JSON.stringify({
      MaxPlayers: world.maxPlayers,
      GameMode_s: "RAAS",
      MapName_s: world.map,
      GameVersion_s: "v8.2.1.369429.845",
      PlayerCount_I: String(world.humans.length),
      ServerName_s: world.hostname,
    }),
  adminkickbyid: ({ world, args }) => {
    const player = world.findByUserid(args[0] ?? "");
    if (!player) return `Could not find player with ID ${args[0] ?? ""}`;
    world.remove(player);
    return `Kicked player ${player.userid}. [Online IDs= EOS: x steam: ${steam64(player.accountId)}] ${player.name}`;
  },
  adminbanbyid: ({ world, args, now }) => {
    const player = world.findByUserid(args[0] ?? "");
    if (!player) return `Could not find player with ID ${args[0] ?? ""}`;
    world.addBan({
      kind: "steamid",
      value: String(player.accountId),
      expiresAt: squadExpiry(args[1] ?? "0", now),
      reason: args.slice(2).join(" "),
      source: "RCON",
      label: player.name,
    });
    world.remove(player);
    return `Banned player ${player.userid}. [Online IDs= EOS: x steam: ${steam64(player.accountId)}] ${player.name} for interval ${args[1] ?? "0"}`;
  },
  adminban: ({ world, args, now }) => {
    const accountId = accountIdFrom(args[0] ?? "");
    if (accountId === null) return `Could not find player ${args[0] ?? ""}`;
    world.addBan({
      kind: "steamid",
      value: String(accountId),
      expiresAt: squadExpiry(args[1] ?? "0", now),
      reason: args.slice(2).join(" "),
      source: "RCON",
      label: "",
    });
    return `Banned player ${args[0] ?? ""} for interval ${args[1] ?? "0"}`;
  },
  adminbroadcast: ({ world, rest }) => {
    appendRecent(world.chat, `[Admin] ${rest}`);
    return "Message broadcasted";
  },
  adminwarnbyid: ({ world, args }) =>
    world.findByUserid(args[0] ?? "")
      ? `Remote admin has warned player ${args[0] ?? ""}. Message was "${args.slice(1).join(" ")}"`
      : `Could not find player with ID ${args[0] ?? ""}`,
};

function squadExpiry(length: string, now: number): number | null {
  const match = /^(\d+)([mhdwM]?)$/.exec(length);
  if (!match || match[1] === "0") return null;
  const unit = { "": 1, m: 1, h: 60, d: 1440, w: 10080, M: 43200 }[
    match[2] as "" | "m" | "h" | "d" | "w" | "M"
  ];
  return now + Number(match[1]) * unit * 60_000;
}

const factorioCommands: Record<string, CommandHandler> = {
  "/players": ({ world, args }) => {
    const rows = world.players.map((p) => `  ${p.name}${args[0] === "online" ? "" : " (online)"}`);
    return `${args[0] === "online" ? "Online players" : "Players"} (${world.players.length}):\n${rows.join("\n")}\n`;
  },
  "/kick": ({ world, args }) => {
    const player = world.findByName(args[0] ?? "");
    if (!player) return `Player "${args[0] ?? ""}" doesn't exist.`;
    world.remove(player);
    return "";
  },
  "/ban": ({ world, args }) => {
    const name = args[0] ?? "";
    world.addBan({
      kind: "name",
      value: name,
      expiresAt: null,
      reason: args.slice(1).join(" "),
      source: "<server>",
      label: name,
    });
    const player = world.findByName(name);
    if (player) world.remove(player);
    return `Player ${name} was banned.`;
  },
  "/unban": ({ world, args }) =>
    world.removeBan("name", args[0] ?? "")
      ? `Player ${args[0] ?? ""} was unbanned.`
      : `Player ${args[0] ?? ""} is not banned.`,
  "/bans": ({ world, now }) =>
    `Banned players: ${world
      .activeBans(now)
      .filter((b) => b.kind === "name")
      .map((b) => b.value)
      .join(", ")}\n`,
  "/whisper": ({ world, args }) =>
    world.findByName(args[0] ?? "") ? "" : `Player "${args[0] ?? ""}" doesn't exist.`,
  "/version": () => "1.1.110",
  "/time": () => "3 hours, 12 minutes and 4 seconds",
};

const palworldCommands: Record<string, CommandHandler> = {
  showplayers: ({ world }) =>
    [
      "name,playeruid,steamid",
      ...world.humans.map((p) => `${p.name},${p.accountId},${steam64(p.accountId)}`),
    ].join("\n") + "\n\u0000",
  info: () => "Welcome to Pal Server[v0.1.5.1] Emulated Palworld\n",
  kickplayer: ({ world, args }) => {
    const player = world.humans.find((p) => steam64(p.accountId) === args[0]);
    if (!player) return `Failed to Kick: ${args[0] ?? ""}`;
    world.remove(player);
    return `Kicked: ${player.name}`;
  },
  banplayer: ({ world, args }) => {
    const accountId = accountIdFrom(args[0] ?? "");
    if (accountId === null) return `Failed to Ban: ${args[0] ?? ""}`;
    const player = world.findByAccount(accountId);
    world.addBan({
      kind: "steamid",
      value: String(accountId),
      expiresAt: null,
      reason: "",
      source: "Admin",
      label: player?.name ?? "",
    });
    if (player) world.remove(player);
    return `Baned: ${args[0] ?? ""}`;
  },
  unbanplayer: ({ world, args }) => {
    const accountId = accountIdFrom(args[0] ?? "");
    return accountId !== null && world.removeBan("steamid", String(accountId))
      ? `Unbanned: ${args[0] ?? ""}`
      : `Failed to Unban: ${args[0] ?? ""}`;
  },
  broadcast: ({ world, args }) => {
    appendRecent(world.chat, `[SERVER] ${args[0] ?? ""}`); // only the first word survives, like the real server
    return `Broadcasted: ${args[0] ?? ""}`;
  },
};

// --- the table ---------------------------------------------------------------------------------

const TF2_MAPS = ["ctf_2fort", "pl_badwater", "cp_dustbowl", "koth_harvest_final"];
const CS_MAPS = ["de_dust2", "de_mirage", "de_inferno", "de_nuke"];

export const EMULATED_GAMES: Readonly<Record<string, EmulatedGame>> = {
  cs2: srcdsGame(CS_MAPS, srcdsCommands("steam3", cs2Status)),
  csgo: srcdsGame(CS_MAPS, srcdsCommands("steam1", source1Status("steam1", true))),
  tf2: srcdsGame(TF2_MAPS, srcdsCommands("steam3", source1Status("steam3", false))),
  gmod: srcdsGame(
    ["gm_construct", "gm_flatgrass"],
    srcdsCommands("steam0", source1Status("steam0", false)),
    0,
  ),
  l4d2: srcdsGame(["c1m1_hotel", "c2m1_highway"], srcdsCommands("steam1", source1Status("steam1", false)), 0),
  minecraft: {
    maps: ["world"],
    maxPlayers: 20,
    bots: 0,
    nameStyle: "identifier",
    commands: minecraftCommands,
    unknown: (name) => `Unknown or incomplete command, see below for error${name}<--[HERE]`,
  },
  rust: {
    maps: ["Procedural Map"],
    maxPlayers: 50,
    bots: 0,
    nameStyle: "any",
    commands: rustCommands,
    unknown: (name) => `Command '${name}' not found`,
  },
  ark: {
    maps: ["TheIsland"],
    maxPlayers: 70,
    bots: 0,
    nameStyle: "any",
    commands: arkCommands,
    unknown: () => ARK_EMPTY_ANSWER,
  },
  squad: {
    maps: ["Narva_RAAS_v1", "Gorodok_AAS_v2", "Yehorivka_RAAS_v3"],
    maxPlayers: 100,
    bots: 0,
    nameStyle: "any",
    commands: squadCommands,
    unknown: (name) => `Unknown console command "${name}"`,
    chatPacket: (player, text) => ({
      type: SQUAD_CHAT_PACKET_TYPE,
      text: `[ChatAll] [Online IDs:EOS: 0002${player.accountId.toString(16).padStart(28, "0")} steam: ${steam64(player.accountId)}] ${player.name} : ${text}`,
    }),
  },
  factorio: {
    maps: ["nauvis"],
    maxPlayers: 64,
    bots: 0,
    nameStyle: "identifier",
    commands: factorioCommands,
    unknown: (name) => `Unknown command "${name.replace(/^\//, "")}".`,
    freeText: ({ world, rest }) => {
      appendRecent(world.chat, `<server>: ${rest}`);
      return "";
    },
  },
  palworld: {
    maps: ["Palpagos"],
    maxPlayers: 32,
    bots: 0,
    nameStyle: "any",
    commands: palworldCommands,
    unknown: (name) => `Unknown command: ${name}`,
  },
};

export type { EmulatedBan };
