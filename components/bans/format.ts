import { formatTimeLeft } from "@/lib/bans/duration";
import type { BanDto } from "@/server/data/bans";
import type { NamedRef } from "./types";

/** The first known name, else the first identifier, else the ban id: what a row is called. */
export function banTitle(ban: BanDto): string {
  return ban.playerNames[0] ?? ban.identifiers?.[0]?.value ?? `ban ${ban.id.slice(-6)}`;
}

export function expiryText(ban: { state: string; expiresAt: string | null }, now: number): string {
  if (ban.state === "revoked") return "revoked";
  if (ban.expiresAt === null) return "permanent";
  const left = Date.parse(ban.expiresAt) - now;
  return left <= 0 ? "expired" : `${formatTimeLeft(left)} left`;
}

export function scopeText(ban: BanDto, servers: NamedRef[], lists: NamedRef[]): string {
  if (ban.scope === "all") return "All servers";
  if (ban.scope === "list") return `List: ${lists.find((l) => l.id === ban.banListId)?.name ?? "?"}`;
  const names = ban.serverIds.map((id) => servers.find((s) => s.id === id)?.name).filter(Boolean);
  return names.length > 0 ? names.join(", ") : `${ban.serverIds.length} server(s)`;
}
