/**
 * Pieces shared by the CLI commands: exit codes, errors that carry one, address and password
 * handling, and "connect and wait until online or failed" over any protocol family.
 */
import { Writable } from "node:stream";
import readline from "node:readline";
import { findDialect, isProtocolId, loadFamily } from "../rcon/registry.ts";
import { RconCommandError, type ProtocolFamily, type RconConnection } from "../rcon/types.ts";

export const EXIT = { OK: 0, ERROR: 1, AUTH_REFUSED: 2, UNREACHABLE: 3 } as const;

/** An error that ends the command with one clear line on stderr and an exit code. */
export class CliError extends Error {
  override readonly name = "CliError";
  constructor(
    message: string,
    readonly exitCode: number = EXIT.ERROR,
  ) {
    super(message);
  }
}

export async function loadFamilyOrFail(protocol: string | undefined): Promise<ProtocolFamily> {
  if (!protocol) throw new CliError("missing <protocol> (source, battleye, quake3 or webrcon)");
  if (!isProtocolId(protocol))
    throw new CliError(`unknown protocol "${protocol}"; known: source, battleye, quake3, webrcon`);
  try {
    return await loadFamily(protocol);
  } catch (error) {
    throw new CliError(`protocol "${protocol}" is not available in this build (${firstLine(error)})`);
  }
}

export function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n")[0] ?? text;
}

/** "host:port", "[v6]:port", or a bare host (the dialect's default port). */
export function parseAddress(text: string | undefined, defaultPort: number): { host: string; port: number } {
  if (!text) throw new CliError("missing <host>:<port>");
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  const plain = /^([^:]+)(?::(\d+))?$/.exec(text);
  const match = bracketed ?? plain;
  if (!match) throw new CliError(`cannot read address "${text}" (expected host:port)`);
  const port = match[2] === undefined ? defaultPort : Number(match[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new CliError(`invalid port in "${text}"`);
  return { host: match[1] as string, port };
}

/** Reads a line from the terminal without echoing it. */
export async function promptHidden(question: string): Promise<string> {
  const muted = new Writable({
    write(_chunk, _encoding, callback) {
      callback();
    },
  });
  process.stderr.write(question);
  const rl = readline.createInterface({ input: process.stdin, output: muted, terminal: true });
  try {
    return await new Promise<string>((resolve) => rl.question("", resolve));
  } finally {
    rl.close();
    process.stderr.write("\n");
  }
}

/** Password from --password (with a warning), else RCON_PASSWORD, else a prompt when interactive. */
export async function resolvePassword(flag: string | undefined, family: ProtocolFamily): Promise<string> {
  let password: string;
  if (flag !== undefined) {
    process.stderr.write(
      "warning: a password given with --password is visible to other users in `ps`; prefer RCON_PASSWORD or the prompt\n",
    );
    password = flag;
  } else if (process.env.RCON_PASSWORD !== undefined && process.env.RCON_PASSWORD !== "") {
    password = process.env.RCON_PASSWORD;
  } else if (process.stdin.isTTY) {
    password = await promptHidden("RCON password: ");
  } else {
    throw new CliError(
      "no password: use --password, the RCON_PASSWORD environment variable, or run in a terminal to be asked",
    );
  }
  const problem = family.checkPassword(password);
  if (problem) throw new CliError(problem, EXIT.AUTH_REFUSED);
  return password;
}

export function parseSeconds(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new CliError(`--timeout must be a number of seconds > 0, not "${text}"`);
  return seconds;
}

export interface ConnectRequest {
  family: ProtocolFamily;
  host: string;
  port: number;
  password: string;
  game?: string | undefined;
  encoding?: string | undefined;
  timeoutMs: number;
  /**
   * true (the shell): once online, the connection supervises itself like the dashboard's (reconnect
   * with backoff after a loss). The first attempt's failure is still final and reported.
   */
  reconnect?: boolean | undefined;
}

/** Opens a connection and waits until it is online or its first attempt failed (then it is stopped). */
export async function connectOnce(request: ConnectRequest): Promise<RconConnection> {
  let dialectId: string;
  try {
    dialectId = findDialect(request.family, request.game).id;
  } catch (error) {
    throw new CliError(firstLine(error));
  }
  let connection: RconConnection;
  try {
    connection = request.family.createConnection({
      host: request.host,
      port: request.port,
      password: request.password,
      dialect: dialectId,
      encoding: request.encoding,
      reconnect: request.reconnect ?? false,
      connectTimeoutMs: request.timeoutMs,
      commandTimeoutMs: request.timeoutMs,
    });
  } catch (error) {
    throw new CliError(firstLine(error));
  }
  await new Promise<void>((resolve, reject) => {
    const check = () => {
      const { state, reason } = connection.status;
      if (state === "online") {
        off();
        resolve();
      } else if (state === "auth_failed") {
        off();
        reject(
          new CliError(
            `authentication refused by ${request.host}:${request.port}: ${reason ?? "wrong password"}`,
            EXIT.AUTH_REFUSED,
          ),
        );
      } else if (state === "unreachable" || state === "closed") {
        off();
        reject(
          new CliError(`cannot reach ${request.host}:${request.port}: ${reason ?? state}`, EXIT.UNREACHABLE),
        );
      }
    };
    const off = connection.on((event) => {
      if (event.type === "status") check();
    });
    connection.start();
    check();
  }).catch(async (error: unknown) => {
    await connection.stop();
    throw error;
  });
  return connection;
}

/**
 * Waits until a supervised connection that is reconnecting is online again, at most `timeoutMs`;
 * returns at once when it is online or will not come back by itself (auth_failed, closed).
 */
export function waitUntilOnline(connection: RconConnection, timeoutMs: number): Promise<void> {
  const settled = () => {
    const { state, nextRetryAt } = connection.status;
    return (
      state === "online" ||
      state === "auth_failed" ||
      state === "closed" ||
      state === "idle" ||
      (state === "unreachable" && nextRetryAt === null)
    );
  };
  if (settled()) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      off();
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    const off = connection.on((event) => {
      if (event.type === "status" && settled()) done();
    });
  });
}

/** Exit code for a failed command. */
export function commandFailure(error: unknown): CliError {
  if (error instanceof CliError) return error;
  if (error instanceof RconCommandError) {
    const code =
      error.code === "AUTH_REFUSED"
        ? EXIT.AUTH_REFUSED
        : error.code === "TIMEOUT" || error.code === "CONNECTION_LOST" || error.code === "NOT_CONNECTED"
          ? EXIT.UNREACHABLE
          : EXIT.ERROR;
    return new CliError(error.message, code);
  }
  return new CliError(firstLine(error));
}
