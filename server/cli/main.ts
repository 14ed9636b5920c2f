/**
 * `rcondeck`: the command-line tool. Generic over every protocol family through
 * server/rcon/registry.ts (dialects, connection) and server/rcon/emulators/registry.ts (emulator and
 * its flags), so this folder never names a game or a protocol's internals.
 *
 * Exit codes: 0 ok, 1 anything else, 2 authentication refused, 3 unreachable or timed out.
 */
import { CliError, EXIT, firstLine } from "./common.ts";
import { EMULATE_USAGE, runEmulate } from "./emulate.ts";
import { EXEC_USAGE, runExec } from "./exec.ts";
import { runShell, SHELL_USAGE } from "./shell.ts";

const USAGE = [
  "usage:",
  `  ${EXEC_USAGE}`,
  `  ${SHELL_USAGE}`,
  `  ${EMULATE_USAGE}`,
  "",
  "protocols: source, battleye, quake3, webrcon. The password comes from --password, else RCON_PASSWORD, else a prompt.",
  "exit codes: 0 ok, 1 error, 2 authentication refused, 3 unreachable or timed out",
].join("\n");

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "exec":
        return await runExec(rest);
      case "shell":
        return await runShell(rest);
      case "emulate":
        return await runEmulate(rest);
      case "help":
      case "--help":
      case "-h":
        process.stdout.write(`${USAGE}\n`);
        return EXIT.OK;
      case undefined:
        process.stderr.write(`${USAGE}\n`);
        return EXIT.ERROR;
      default:
        throw new CliError(`unknown command "${command}"\n${USAGE}`);
    }
  } catch (error) {
    const failure = error instanceof CliError ? error : new CliError(firstLine(error));
    process.stderr.write(`rcondeck: ${failure.message}\n`);
    return failure.exitCode;
  }
}
