/**
 * `rcondeck shell [<protocol> <host>:<port>] [--password P] [--game G] [--encoding E] [--timeout S]`:
 * an interactive console in the spirit of python-valve's shell. Lines starting with `!` are shell
 * commands (`!connect`, `!disconnect`, `!exit`); `help` lists them and the game's commands;
 * everything else is sent to the server. Up/Down history, Tab completion from the dialect's command
 * catalogue. Works with piped stdin too (one command per line), which is how it is tested.
 *
 * Once connected, the connection supervises itself as the dashboard's does: a dropped session is
 * reported ("connection lost: ...; reconnecting"), re-opened with backoff ("reconnected"), and a
 * command typed meanwhile waits for it (up to --timeout) instead of failing at once.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import readline from "node:readline";
import { parseArgs } from "node:util";
import { PROTOCOL_IDS, type RconConnection } from "../rcon/types.ts";
import {
  commandFailure,
  connectOnce,
  firstLine,
  loadFamilyOrFail,
  parseAddress,
  parseSeconds,
  resolvePassword,
  waitUntilOnline,
  CliError,
} from "./common.ts";

export const SHELL_USAGE =
  "rcondeck shell [<protocol> <host>:<port>] [--password P] [--game G] [--encoding E] [--timeout S]";

const SHELL_COMMANDS = ["!connect", "!disconnect", "!exit", "help"];
const HISTORY_FILE = path.join(homedir(), ".rcondeck_history");
const HISTORY_SIZE = 500;

const OPTIONS = {
  password: { type: "string", short: "p" },
  game: { type: "string", short: "g" },
  encoding: { type: "string", short: "e" },
  timeout: { type: "string", short: "t" },
} as const;

/**
 * Tab completion: shell commands after "!", otherwise the game's command names (case-insensitive
 * prefix), and the protocol names after "!connect ".
 */
export function completeLine(line: string, gameCommands: readonly string[] | null): [string[], string] {
  if (/^!connect\s+\S*$/i.test(line)) {
    const word = line.split(/\s+/)[1] ?? "";
    const hits = PROTOCOL_IDS.filter((p) => p.startsWith(word.toLowerCase()));
    return [hits, word];
  }
  const candidates =
    line.startsWith("!") || !gameCommands ? SHELL_COMMANDS : [...gameCommands, ...SHELL_COMMANDS];
  const lower = line.toLowerCase();
  const hits = candidates.filter((c) => c.toLowerCase().startsWith(lower));
  return [hits.length > 0 ? hits : candidates, line];
}

interface Current {
  connection: RconConnection;
  label: string;
  timeoutMs: number;
  off: () => void;
}

export async function runShell(argv: string[]): Promise<number> {
  const interactive = Boolean(process.stdin.isTTY);
  let current: Current | null = null;
  const history =
    interactive && existsSync(HISTORY_FILE)
      ? readFileSync(HISTORY_FILE, "utf8").split("\n").filter(Boolean).reverse().slice(0, HISTORY_SIZE)
      : [];

  const completer = (line: string): [string[], string] =>
    completeLine(line, current?.connection.dialect.commands.map((c) => c.name) ?? null);

  const rl = readline.createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: interactive,
    completer,
    history,
    historySize: HISTORY_SIZE,
    removeHistoryDuplicates: true,
  });
  // Created at once so that lines piped in while we connect are buffered, not lost.
  const lines = rl[Symbol.asyncIterator]();
  // Piped input may end (closing the interface) before we read its lines, and since Node 22
  // prompt() on a closed interface throws; there is nobody left to prompt then.
  let inputClosed = false;
  rl.once("close", () => (inputClosed = true));
  const print = (text: string) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
  const printError = (text: string) => process.stderr.write(`error: ${text}\n`);
  const prompt = () => {
    if (inputClosed) return;
    rl.setPrompt(current ? `${current.label}> ` : "rcondeck> ");
    rl.prompt();
  };

  const disconnect = async () => {
    if (!current) return;
    const { connection, off, label } = current;
    current = null;
    off();
    await connection.stop();
    print(`disconnected from ${label}`);
  };

  const connect = async (args: string[]) => {
    const parsed = parseArgs({ args, allowPositionals: true, options: OPTIONS });
    const [protocol, address] = parsed.positionals;
    const family = await loadFamilyOrFail(protocol);
    const { host, port } = parseAddress(address, family.defaultPort);
    const password = await resolvePassword(parsed.values.password, family);
    const timeoutMs = parseSeconds(parsed.values.timeout, 10) * 1000;
    await disconnect();
    const connection = await connectOnce({
      family,
      host,
      port,
      password,
      game: parsed.values.game,
      encoding: parsed.values.encoding,
      timeoutMs,
      reconnect: true,
    });
    const label = `${family.id} ${host}:${port}`;
    let lost = false;
    const off = connection.on((event) => {
      if (event.type === "server-message") print(`[server] ${event.text}`);
      else if (event.type === "anomaly") print(`[warning] ${event.detail}`);
      else {
        const { state, reason } = event.status;
        if (state === "online") {
          if (lost) print(`reconnected to ${label}`);
          lost = false;
        } else if (state === "unreachable" && event.status.nextRetryAt !== null) {
          // Said once per loss, not once per failed attempt.
          if (!lost) print(`connection lost: ${reason ?? "unreachable"}; reconnecting`);
          lost = true;
        } else if (state !== "connecting" && state !== "closed") {
          print(`[status] ${state}${reason ? `: ${reason}` : ""}`);
        }
      }
    });
    current = { connection, label, timeoutMs, off };
    print(`connected to ${label} (${connection.dialect.label}); type help for commands`);
  };

  const help = (topic: string | undefined) => {
    const dialect = current?.connection.dialect;
    if (topic && dialect) {
      const info = dialect.commands.find((c) => c.name.toLowerCase() === topic.toLowerCase());
      if (info) {
        print(`${info.name}${info.usage ? ` ${info.usage}` : ""}\n  ${info.description}`);
        return;
      }
    }
    const lines = [
      "shell commands:",
      "  !connect <protocol> <host:port> [--password P] [--game G] [--encoding E]",
      "  !disconnect",
      "  !exit                (or Ctrl-D)",
      "  help [command]",
    ];
    if (dialect) {
      lines.push(`${dialect.label} commands (Tab completes):`);
      for (const c of dialect.commands)
        lines.push(`  ${`${c.name}${c.usage ? ` ${c.usage}` : ""}`.padEnd(40)} ${c.description}`);
    } else lines.push("not connected: use !connect");
    print(lines.join("\n"));
  };

  const handleLine = async (line: string): Promise<boolean> => {
    const text = line.trim();
    if (text === "") return true;
    const [word = "", ...args] = text.split(/\s+/);
    try {
      switch (word.toLowerCase()) {
        case "!exit":
        case "!quit":
          return false;
        case "!connect":
          await connect(args);
          return true;
        case "!disconnect":
          if (current) await disconnect();
          else printError("not connected");
          return true;
        case "help":
        case "!help":
          help(args[0]);
          return true;
        default:
          if (word.startsWith("!")) {
            printError(`unknown shell command ${word}; type help`);
            return true;
          }
          if (!current) {
            printError("not connected: use !connect <protocol> <host:port>");
            return true;
          }
          await waitUntilOnline(current.connection, current.timeoutMs);
          print(await current.connection.command(text));
          return true;
      }
    } catch (error) {
      printError(
        error instanceof CliError ? error.message : commandFailure(error).message || firstLine(error),
      );
      return true;
    }
  };

  if (argv.length > 0) {
    try {
      await connect(argv);
    } catch (error) {
      printError(error instanceof CliError ? error.message : firstLine(error));
    }
  }
  prompt();
  for (let next = await lines.next(); !next.done; next = await lines.next()) {
    const keepGoing = await handleLine(next.value);
    if (!keepGoing) break;
    prompt();
  }
  rl.close();
  await disconnect();
  if (interactive) {
    const entries = (rl as unknown as { history?: string[] }).history ?? [];
    try {
      writeFileSync(HISTORY_FILE, [...entries].reverse().join("\n") + "\n", { mode: 0o600 });
    } catch {
      // history is a convenience; an unwritable home directory is not an error
    }
  }
  return 0;
}
