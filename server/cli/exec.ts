/** `rcondeck exec <protocol> <host>:<port> [--password P] [--game G] [--encoding E] [--timeout S] -- <command...>` */
import { parseArgs } from "node:util";
import {
  commandFailure,
  connectOnce,
  loadFamilyOrFail,
  parseAddress,
  parseSeconds,
  resolvePassword,
  CliError,
  EXIT,
} from "./common.ts";

export const EXEC_USAGE =
  "rcondeck exec <protocol> <host>:<port> [--password P] [--game G] [--encoding E] [--timeout S] -- <command...>";

export async function runExec(argv: string[]): Promise<number> {
  const split = argv.indexOf("--");
  const head = split >= 0 ? argv.slice(0, split) : argv;
  const tail = split >= 0 ? argv.slice(split + 1) : [];
  let parsed;
  try {
    parsed = parseArgs({
      args: head,
      allowPositionals: true,
      options: {
        password: { type: "string", short: "p" },
        game: { type: "string", short: "g" },
        encoding: { type: "string", short: "e" },
        timeout: { type: "string", short: "t" },
      },
    });
  } catch (error) {
    throw new CliError(`${(error as Error).message}\nusage: ${EXEC_USAGE}`);
  }
  const [protocol, address, ...rest] = parsed.positionals;
  const command = [...rest, ...tail].join(" ").trim();
  if (!command) throw new CliError(`missing the command to run\nusage: ${EXEC_USAGE}`);
  const family = await loadFamilyOrFail(protocol);
  const { host, port } = parseAddress(address, family.defaultPort);
  const timeoutMs = parseSeconds(parsed.values.timeout, 10) * 1000;
  const password = await resolvePassword(parsed.values.password, family);
  const connection = await connectOnce({
    family,
    host,
    port,
    password,
    game: parsed.values.game,
    encoding: parsed.values.encoding,
    timeoutMs,
  });
  try {
    const answer = await connection.command(command, { timeoutMs });
    process.stdout.write(answer === "" || answer.endsWith("\n") ? answer : `${answer}\n`);
    return EXIT.OK;
  } catch (error) {
    throw commandFailure(error);
  } finally {
    await connection.stop();
  }
}
