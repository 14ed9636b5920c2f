/**
 * What a browser does to a game server through the hub: a raw console command, a kick, a message.
 * Each runs on the server's live connection and leaves console lines for every watcher. Secret
 * values (rcon/join passwords) are masked before the lines exist: stored and shown to nobody.
 */
import type { ConsoleKind, ConsoleLineMessage } from "../../lib/realtime/contract.ts";
import { AppError } from "../../lib/errors.ts";
import { isMaskedReplay, maskSecretAnswer, maskSecretCommand } from "../../lib/console/secrets.ts";
import type { Dialect, RconConnection, RunCommand } from "../rcon/types.ts";
import { describeError, toAppError } from "./errors.ts";
import type { ConsoleHistory } from "./history.ts";
import { clipText } from "./ingest-budget.ts";
import type { Link } from "./links.ts";
import type { BroadcastResult, ExecResult, KickResult, MessageResult } from "./port.ts";

/** First words of console commands after which map and slots are re-read (changelevel, map, AdminChangeLayer, sv_maxclients...). */
const MAY_CHANGE_INFO = /map|level|layer|mission|maxclients|maxplayers/i;

export interface Actor {
  id: string;
  name: string;
}

/** What the actions need of the hub. */
export interface ActionHost {
  history: ConsoleHistory;
  maxAnswerBytes: number;
  /** The server's link with a live connection, or an AppError (NOT_FOUND, UNAVAILABLE). */
  online(serverId: string): { link: Link; connection: RconConnection; dialect: Dialect };
  /** Appends and emits a console line; null when no seq could be reserved. */
  appendLine(
    serverId: string,
    kind: ConsoleKind,
    text: string,
    actor?: Actor | null,
    replyTo?: number | null,
  ): ConsoleLineMessage | null;
  requestRefresh(link: Link, delayMs: number): void;
}

export function runner(connection: RconConnection): RunCommand {
  return (command, options) => connection.command(command, options);
}

const NO_HISTORY = "The console history cannot be written right now; try again.";

/** Runs a raw console command; the command and its answer are console lines for every watcher. */
export async function execCommand(
  host: ActionHost,
  serverId: string,
  actor: Actor,
  command: string,
): Promise<ExecResult> {
  const { link, connection, dialect } = host.online(serverId);
  const shown = maskSecretCommand(command, dialect.privacy.secrets);
  if (isMaskedReplay(shown))
    throw new AppError(
      "INVALID_INPUT",
      "That command holds a masked secret (from the history): type the value again.",
    );
  await host.history.ready(serverId);
  const commandLine = host.appendLine(serverId, "command", shown.text, actor);
  if (!commandLine) throw new AppError("UNAVAILABLE", NO_HISTORY);
  try {
    const answer = await connection.command(command, { idempotent: false });
    await host.history.ready(serverId);
    const answerText = maskSecretAnswer(answer.replace(/\s+$/, ""), dialect.privacy.secrets, shown);
    const answerLine = host.appendLine(
      serverId,
      "answer",
      clipText(answerText, host.maxAnswerBytes),
      null,
      commandLine.seq,
    );
    if (!answerLine) throw new AppError("UNAVAILABLE", NO_HISTORY);
    if (MAY_CHANGE_INFO.test(command.split(" ", 1)[0] ?? "")) link.infoReadAt = -Infinity; // re-read at the next poll
    return { command: commandLine, answer: answerLine };
  } catch (error) {
    host.appendLine(serverId, "system", `Command failed: ${describeError(error)}`, null, commandLine.seq);
    throw toAppError(error);
  }
}

/** Kicks by the game's player id through the dialect (which escapes the reason). */
export async function kickPlayer(
  host: ActionHost,
  serverId: string,
  actor: Actor,
  playerId: string,
  reason: string,
): Promise<KickResult> {
  const { link, connection, dialect } = host.online(serverId);
  const tracked = link.players.get(playerId);
  if (!tracked) throw new AppError("NOT_FOUND", "That player is no longer on the server.");
  const name = tracked.player.name;
  try {
    await dialect.operations.kick(runner(connection), playerId, reason);
  } catch (error) {
    throw toAppError(error);
  }
  host.appendLine(serverId, "admin", `${actor.name} kicked ${name}${reason ? ` (${reason})` : ""}`, actor);
  host.requestRefresh(link, 0);
  return { message: `${tracked.player.plainName} was kicked.`, playerName: tracked.player.plainName };
}

/** A private message where the game has one, else a broadcast addressed to the player. */
export async function messagePlayer(
  host: ActionHost,
  serverId: string,
  actor: Actor,
  playerId: string,
  message: string,
): Promise<MessageResult> {
  const { link, connection, dialect } = host.online(serverId);
  const tracked = link.players.get(playerId);
  if (!tracked) throw new AppError("NOT_FOUND", "That player is no longer on the server.");
  const run = runner(connection);
  const whisper = dialect.capabilities.whisper && dialect.operations.sayTo !== undefined;
  const name = tracked.player.plainName;
  // The dialect adapts a name the game cannot carry, so only the moderator's text can be refused.
  const addressed = whisper ? name : (dialect.addressName?.(name) ?? name);
  try {
    if (whisper && dialect.operations.sayTo) await dialect.operations.sayTo(run, playerId, message);
    else await dialect.operations.sayAll(run, `${addressed}: ${message}`);
  } catch (error) {
    throw toAppError(error);
  }
  host.appendLine(serverId, "admin", `${actor.name} to ${tracked.player.name}: ${message}`, actor);
  const adapted =
    addressed === name ? "" : ` (written "${addressed}": the game cannot show some characters of the name)`;
  return {
    message: whisper
      ? `Message sent to ${name}.`
      : `This game cannot message one player: sent to everyone, addressed to ${name}${adapted}.`,
    playerName: name,
    whisper,
  };
}

/** A message to everyone through the dialect (which escapes it); a console line for every watcher. */
export async function broadcastMessage(
  host: ActionHost,
  serverId: string,
  actor: Actor,
  message: string,
): Promise<BroadcastResult> {
  const { connection, dialect } = host.online(serverId);
  try {
    await dialect.operations.sayAll(runner(connection), message);
  } catch (error) {
    throw toAppError(error);
  }
  host.appendLine(serverId, "admin", `${actor.name} to everyone: ${message}`, actor);
  return { message: "Message sent to everyone on the server." };
}
