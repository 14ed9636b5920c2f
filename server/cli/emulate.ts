/**
 * `rcondeck emulate <protocol> [--game G] [--host H] [--port N] [--password P] [--players N] [--seed S] [family flags]`:
 * runs an emulated game server until SIGINT/SIGTERM. Prints `listening <protocol> <host>:<port>`
 * on stdout once ready (with the real port when --port 0); logs go to stderr.
 */
import { randomBytes } from "node:crypto";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { emulatorFlags, startEmulator } from "../rcon/emulators/registry.ts";
import type { EmulatorFlag } from "../rcon/emulators/types.ts";
import type { Logger, ProtocolFamily } from "../rcon/types.ts";
import { CliError, firstLine, loadFamilyOrFail } from "./common.ts";

export const EMULATE_USAGE =
  "rcondeck emulate <protocol> [--game G] [--host H] [--port N] [--password P] [--players N] [--seed S] [--activity A] [family flags]";

const BASE_OPTIONS = {
  game: { type: "string", short: "g" },
  host: { type: "string" },
  port: { type: "string" },
  password: { type: "string", short: "p" },
  players: { type: "string" },
  seed: { type: "string" },
  activity: { type: "string" },
  quiet: { type: "boolean", short: "q" },
} as const;

function numberOption(
  name: string,
  text: string | undefined,
  fallback: number | undefined,
): number | undefined {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0)
    throw new CliError(`--${name} must be a number >= 0, not "${text}"`);
  return value;
}

function stderrLogger(quiet: boolean): Logger {
  const write = (level: string, message: string, fields?: Record<string, unknown>) =>
    process.stderr.write(`[emulator] ${level} ${message}${fields ? ` ${JSON.stringify(fields)}` : ""}\n`);
  return {
    debug: () => {},
    info: (m, f) => (quiet ? undefined : write("info", m, f)),
    warn: (m, f) => write("warn", m, f),
    error: (m, f) => write("error", m, f),
  };
}

function emulateHelp(family: ProtocolFamily, familyFlags: Readonly<Record<string, EmulatorFlag>>): string {
  const flags = Object.entries(familyFlags).map(
    ([name, flag]) => `  --${name}${flag.type === "boolean" ? "" : ` <${flag.type}>`}  ${flag.description}`,
  );
  return [
    `games: ${family.dialects.map((d) => d.id).join(", ")} (default ${family.defaultDialect})`,
    ...(flags.length > 0 ? ["family flags:", ...flags] : []),
  ].join("\n");
}

export async function runEmulate(argv: string[]): Promise<number> {
  const protocol = argv[0]?.startsWith("-") ? undefined : argv[0];
  const family = await loadFamilyOrFail(protocol);
  const familyFlags = await emulatorFlags(family.id);
  const familyOptions: NonNullable<ParseArgsConfig["options"]> = {};
  for (const [name, flag] of Object.entries(familyFlags))
    familyOptions[name] = { type: flag.type === "boolean" ? "boolean" : "string" };
  let parsed;
  try {
    parsed = parseArgs({
      args: argv.slice(1),
      allowPositionals: false,
      options: { ...BASE_OPTIONS, ...familyOptions },
    });
  } catch (error) {
    throw new CliError(`${firstLine(error)}\nusage: ${EMULATE_USAGE}\n${emulateHelp(family, familyFlags)}`);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const extra: Record<string, string | number | boolean> = {};
  for (const [name, flag] of Object.entries(familyFlags)) {
    const value = values[name];
    if (value === undefined) continue;
    if (flag.type === "number") {
      const n = Number(value);
      if (!Number.isFinite(n)) throw new CliError(`--${name} must be a number, not "${String(value)}"`);
      extra[name] = n;
    } else extra[name] = value;
  }
  let password = values.password as string | undefined;
  if (password === undefined && process.env.RCON_PASSWORD) password = process.env.RCON_PASSWORD;
  if (password === undefined) {
    password = randomBytes(6).toString("hex");
    process.stderr.write(`no --password given; the emulator's password is: ${password}\n`);
  }
  const port = numberOption("port", values.port as string | undefined, 0) ?? 0;
  if (!Number.isInteger(port) || port > 65535) throw new CliError(`--port must be 0..65535`);
  let emulator;
  try {
    // The registry takes an alias ("rust" within webrcon) and refuses an unknown game with the known ids.
    emulator = await startEmulator(family.id, {
      host: (values.host as string | undefined) ?? "127.0.0.1",
      port,
      password,
      game: values.game as string | undefined,
      players: numberOption("players", values.players as string | undefined, undefined),
      seed: numberOption("seed", values.seed as string | undefined, undefined),
      activity: numberOption("activity", values.activity as string | undefined, undefined),
      extra,
      logger: stderrLogger(Boolean(values.quiet)),
    });
  } catch (error) {
    throw new CliError(`cannot start the ${family.id} emulator: ${firstLine(error)}`);
  }
  // Signal handlers first: whoever reads the "listening" line may signal us at once.
  const stopped = new Promise<void>((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  const host = emulator.host.includes(":") ? `[${emulator.host}]` : emulator.host;
  process.stdout.write(`listening ${emulator.protocol} ${host}:${emulator.port}\n`);
  await stopped;
  await emulator.close();
  process.stderr.write("[emulator] stopped\n");
  return 0;
}
