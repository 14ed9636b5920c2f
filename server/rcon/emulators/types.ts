/**
 * Emulated game servers (tests, demo mode, benchmarks, `rcondeck emulate`): what every family's
 * emulator takes and gives. Kept out of server/rcon/types.ts so that connection code never names them.
 */
import type { Clock } from "../clock.ts";
import type { Logger, ProtocolId } from "../types.ts";
import type { SessionRecording } from "./sessions.ts";

export interface EmulatorFlag {
  type: "string" | "number" | "boolean";
  description: string;
}

export interface EmulatorOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  password: string;
  /** Dialect id (the registry also takes an alias); the family's default when omitted. */
  game?: string;
  /** Simulated players at start. */
  players?: number;
  seed?: number;
  /** Family-specific options declared in the family's `flags` (e.g. BattlEye `loss`). */
  extra?: Record<string, string | number | boolean>;
  /** Speeds up or slows down simulated player activity (1 = realistic, 0 = frozen). */
  activity?: number;
  clock?: Clock;
  logger?: Logger;
}

/** Every emulator records its RCON sessions (sessions.ts): multi-instance tests check overlaps. */
export interface RunningEmulator extends SessionRecording {
  readonly protocol: ProtocolId;
  readonly game: string;
  readonly host: string;
  readonly port: number;
  /**
   * A simulated player says `text` to everyone. True when this game pushes chat to RCON clients
   * (BattlEye, Squad) and it was sent; false when it has no such push (Quake 3, most Source games:
   * the line then only reaches the game's own chat) or nobody is on the server.
   */
  playerChat(text: string): boolean;
  close(): Promise<void>;
}

/** What each family folder's emulator.ts exports as `emulator`, for the registry to load. */
export interface FamilyEmulator<E extends RunningEmulator = RunningEmulator> {
  /** Options beyond EmulatorOptions, passed in `extra` (the CLI turns them into `--name` flags). */
  readonly flags: Readonly<Record<string, EmulatorFlag>>;
  /** `options.game` is a dialect id here: the registry has resolved an alias or the default. */
  start(options: EmulatorOptions): Promise<E>;
}
