/**
 * What the BattlEye emulator prints: the `players`, `bans` and `admins` answers and the pushed
 * messages, in the formats of real servers (docs/protocols.md §1.6, §1.7). Pure, so the redaction
 * property test renders the same texts the emulator sends.
 */
export interface EmulatedPlayer {
  id: number;
  name: string;
  ip: string;
  port: number;
  ping: number;
  guid: string | null;
  verified: boolean;
  lobby: boolean;
}

export interface EmulatedBan {
  kind: "guid" | "ip";
  value: string;
  /** Clock time the ban ends; null = permanent. */
  expiresAt: number | null;
  reason: string;
}

export function playersText(players: Iterable<EmulatedPlayer>): string {
  const list = [...players];
  const rows = list.map((p) => {
    const guid = p.guid ? `${p.guid}(${p.verified ? "OK" : "?"})` : "-";
    const ping = p.verified ? p.ping : -1;
    const name = p.lobby ? `${p.name} (Lobby)` : p.name;
    return `${String(p.id).padEnd(3)} ${`${p.ip}:${p.port}`.padEnd(22)} ${String(ping).padEnd(5)}${guid} ${name}`;
  });
  return [
    "Players on server:",
    "[#] [IP Address]:[Port] [Ping] [GUID] [Name]",
    "--------------------------------------------------",
    ...rows,
    `(${list.length} players in total)`,
  ].join("\n");
}

/** GUID bans first, then IP bans; one numbering across both (the index `removeBan` takes). */
export function orderedBans(bans: readonly EmulatedBan[]): EmulatedBan[] {
  return [...bans.filter((b) => b.kind === "guid"), ...bans.filter((b) => b.kind === "ip")];
}

export function bansText(bans: readonly EmulatedBan[], now: number): string {
  const ordered = orderedBans(bans);
  const minutesLeft = (ban: EmulatedBan) => {
    if (ban.expiresAt === null) return "perm";
    const left = Math.ceil((ban.expiresAt - now) / 60_000);
    return left > 0 ? String(left) : "-";
  };
  const row = (b: EmulatedBan) =>
    `${ordered.indexOf(b)} ${b.value.padEnd(32)} ${minutesLeft(b).padEnd(5)} ${b.reason}`.trimEnd();
  return [
    "GUID Bans:",
    "[#] [GUID] [Minutes left] [Reason]",
    "----------------------------------------",
    ...ordered.filter((b) => b.kind === "guid").map(row),
    "",
    "IP Bans:",
    "[#] [IP Address] [Minutes left] [Reason]",
    "----------------------------------------------",
    ...ordered.filter((b) => b.kind === "ip").map(row),
  ].join("\n");
}

/** `admins`: the connected RCon admins by number and address. */
export function adminsText(admins: Iterable<[peer: string, id: number]>): string {
  return [
    "Connected RCon admins:",
    "[#] [IP Address]:[Port]",
    "-----------------------------",
    ...[...admins].map(([peer, id]) => `${id} ${peer}`),
  ].join("\n");
}

/** The messages a server pushes about players and admins. */
export const battlEyeMessages = {
  connected: (p: EmulatedPlayer) => `Player #${p.id} ${p.name} (${p.ip}:${p.port}) connected`,
  beGuid: (p: EmulatedPlayer) => `Player #${p.id} ${p.name} - BE GUID: ${p.guid ?? ""}`,
  unverifiedGuid: (p: EmulatedPlayer) => `Player #${p.id} ${p.name} - GUID: ${p.guid ?? ""} (unverified)`,
  verified: (p: EmulatedPlayer) => `Verified GUID (${p.guid ?? ""}) of player #${p.id} ${p.name}`,
  kicked: (p: EmulatedPlayer, reason: string) =>
    `Player #${p.id} ${p.name} (${p.guid ?? "-"}) has been kicked by BattlEye: ${reason}`,
  disconnected: (p: EmulatedPlayer) => `Player #${p.id} ${p.name} disconnected`,
  chat: (channel: string, p: EmulatedPlayer, text: string) => `(${channel}) ${p.name}: ${text}`,
  adminLogin: (id: number, address: string) => `RCon admin #${id} (${address}) logged in`,
};
