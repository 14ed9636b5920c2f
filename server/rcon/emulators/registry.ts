/**
 * The one way to an emulated game server: demo mode (server/demo/demo.ts), `rcondeck emulate`
 * (server/cli/emulate.ts), the benchmarks (bench/) and the tests start emulators here. Each family's
 * emulator is loaded only when asked for, and nothing in the connection code (server/rcon outside this
 * folder, server/hub) imports this folder (an ESLint rule, eslint.config.mjs), so production never
 * loads an emulator it does not run.
 */
import { findDialect, loadFamily } from "../registry.ts";
import type { Dialect, ProtocolId } from "../types.ts";
import type { RunningBattlEyeEmulator } from "./battleye/emulator.ts";
import type { Quake3Emulator } from "./quake3/emulator.ts";
import type { SourceEmulator } from "./source/emulator.ts";
import type { EmulatorFlag, EmulatorOptions, FamilyEmulator } from "./types.ts";
import type { WebRconEmulator } from "./webrcon/emulator.ts";

/** What `startEmulator` gives per family, so callers reach the family's test hooks without a cast. */
export interface EmulatorByProtocol {
  source: SourceEmulator;
  battleye: RunningBattlEyeEmulator;
  quake3: Quake3Emulator;
  webrcon: WebRconEmulator;
}

const loaders: { [P in ProtocolId]: () => Promise<FamilyEmulator<EmulatorByProtocol[P]>> } = {
  source: async () => (await import("./source/emulator.ts")).emulator,
  battleye: async () => (await import("./battleye/emulator.ts")).emulator,
  quake3: async () => (await import("./quake3/emulator.ts")).emulator,
  webrcon: async () => (await import("./webrcon/emulator.ts")).emulator,
};

export async function loadEmulator<P extends ProtocolId>(
  protocol: P,
): Promise<FamilyEmulator<EmulatorByProtocol[P]>> {
  // The mapped type does not narrow through an index with a generic key; each loader matches its key.
  return (loaders[protocol] as () => Promise<FamilyEmulator<EmulatorByProtocol[P]>>)();
}

/** The family's own options (`extra`), which `rcondeck emulate` offers as `--name` flags. */
export async function emulatorFlags(protocol: ProtocolId): Promise<Readonly<Record<string, EmulatorFlag>>> {
  return (await loadEmulator(protocol)).flags;
}

/**
 * The dialect a game names, by id or alias ("rust" is webrcon's "rust-webrcon"), the family's default
 * when `game` is undefined; an unknown game throws a message listing the known ids.
 */
export async function findEmulatedDialect(protocol: ProtocolId, game: string | undefined): Promise<Dialect> {
  return findDialect(await loadFamily(protocol), game);
}

/** Starts `protocol`'s emulator with `options.game` resolved to a dialect id first. */
export async function startEmulator<P extends ProtocolId>(
  protocol: P,
  options: EmulatorOptions,
): Promise<EmulatorByProtocol[P]> {
  const [dialect, emulator] = await Promise.all([
    findEmulatedDialect(protocol, options.game),
    loadEmulator(protocol),
  ]);
  return emulator.start({ ...options, game: dialect.id });
}
