/**
 * Game presets offered when adding a server: which protocol family and dialect they use and their
 * usual RCON port. Isomorphic data for the forms; a test checks every preset against the engine's
 * dialects (server/rcon) so the two never drift apart.
 */
export type ProtocolName = "source" | "battleye" | "quake3" | "webrcon";

export interface GamePreset {
  /** Dialect id, stored as Server.game. */
  id: string;
  label: string;
  protocol: ProtocolName;
  defaultPort: number;
}

export const PROTOCOL_LABELS: Record<ProtocolName, string> = {
  battleye: "BattlEye RCon (UDP)",
  source: "Source RCON (TCP)",
  quake3: "Quake 3 rcon (UDP)",
  webrcon: "Rust WebRCON (WebSocket)",
};

export const GAME_PRESETS: readonly GamePreset[] = [
  { id: "arma3", label: "Arma 3", protocol: "battleye", defaultPort: 2306 },
  { id: "arma2", label: "Arma 2 / Arma 2 OA", protocol: "battleye", defaultPort: 2302 },
  { id: "dayz", label: "DayZ", protocol: "battleye", defaultPort: 2305 },
  { id: "cs2", label: "Counter-Strike 2", protocol: "source", defaultPort: 27015 },
  { id: "csgo", label: "CS:GO", protocol: "source", defaultPort: 27015 },
  { id: "tf2", label: "Team Fortress 2", protocol: "source", defaultPort: 27015 },
  { id: "gmod", label: "Garry's Mod", protocol: "source", defaultPort: 27015 },
  { id: "l4d2", label: "Left 4 Dead 2", protocol: "source", defaultPort: 27015 },
  { id: "minecraft", label: "Minecraft", protocol: "source", defaultPort: 25575 },
  // Rust speaks WebRCON by default; legacy Source RCON (+rcon.web 0) stays selectable.
  { id: "rust-webrcon", label: "Rust", protocol: "webrcon", defaultPort: 28016 },
  { id: "rust", label: "Rust (legacy RCON)", protocol: "source", defaultPort: 28016 },
  { id: "ark", label: "ARK: Survival Evolved", protocol: "source", defaultPort: 27020 },
  { id: "squad", label: "Squad", protocol: "source", defaultPort: 21114 },
  { id: "factorio", label: "Factorio", protocol: "source", defaultPort: 27015 },
  { id: "palworld", label: "Palworld", protocol: "source", defaultPort: 25575 },
  { id: "openarena", label: "OpenArena", protocol: "quake3", defaultPort: 27960 },
  { id: "openarena-legacy", label: "OpenArena 0.8.1 and older", protocol: "quake3", defaultPort: 27960 },
  { id: "ioq3", label: "Quake 3 (ioquake3)", protocol: "quake3", defaultPort: 27960 },
  { id: "q3", label: "Quake 3 1.32", protocol: "quake3", defaultPort: 27960 },
  { id: "cod4", label: "Call of Duty 4", protocol: "quake3", defaultPort: 28960 },
  { id: "cod4x", label: "Call of Duty 4 (CoD4x)", protocol: "quake3", defaultPort: 28960 },
  { id: "urbanterror", label: "Urban Terror", protocol: "quake3", defaultPort: 27960 },
  { id: "etlegacy", label: "ET: Legacy", protocol: "quake3", defaultPort: 27960 },
];

export function findPreset(id: string): GamePreset | undefined {
  return GAME_PRESETS.find((p) => p.id === id);
}
