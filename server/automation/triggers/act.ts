/**
 * One firing's action, done as the trigger's owner (`runAs`: the owner's actor loaded now, stamped
 * with the trigger's name) through the same operations a person uses: permissions, the ban
 * system's rules, custom-command roles and dangerous-command confirmation, and the audit row
 * written before anything is sent. A trigger therefore never does what its owner could not; such
 * a firing is "refused" (the operation already audited the denial).
 */
import { fillPlayer, PLAYER_PLACEHOLDER, type TriggerAction } from "../../../lib/automation/triggers.ts";
import { isAppError } from "../../../lib/errors.ts";
import type { WebhookNotice } from "../../../lib/automation/webhooks.ts";
import { can, type Actor } from "../../../lib/permissions.ts";
import { recordAudit } from "../../data/audit.ts";
import type { LoadedTrigger } from "../../data/automation/triggers.ts";
import { banOnlinePlayer } from "../../hub/ban-player.ts";
import type { HubPort } from "../../hub/port.ts";
import { runCustomCommand } from "../../operations/custom-commands.ts";
import type { OperationDeps } from "../../operations/deps.ts";
import { kickPlayer, messagePlayer, warnPlayer, type OperationCaller } from "../../operations/players.ts";
import { runAs } from "../run-as.ts";

/** The webhook dispatcher's trigger entry (server/automation/webhooks/index.ts `sendTo`). */
export interface WebhookSender {
  sendTo(
    webhookId: string,
    notice: WebhookNotice,
    ownerActor: Actor,
  ): Promise<{ ok: true } | { ok: false; reason: string }>;
}

export interface ActDeps extends OperationDeps {
  hub: OperationDeps["hub"] & Pick<HubPort, "recheckBans">;
  /** Absent where no dispatcher runs: a webhook action then fails, saying so. */
  webhooks?: WebhookSender | undefined;
  /** Wall time (ban expiry is counted from it). */
  wall(): number;
}

/** The player an event concerns, when it has one online. */
export interface EventPlayer {
  /** The game's player id; null when the game named the player only (then no player action). */
  id: string | null;
  name: string;
}

export interface Outcome {
  outcome: "done" | "failed" | "refused";
  detail: string;
}

/** What the action would do, in words (a dry run records this; a real firing prefixes its result). */
export function describeAction(action: TriggerAction, player: EventPlayer | null): string {
  const name = player?.name ?? "the player";
  const text = fillPlayer(action.text, player?.name ?? null);
  switch (action.kind) {
    case "message":
      return `message ${name}: ${text}`;
    case "warn":
      return `warn ${name}: ${text}`;
    case "kick":
      return `kick ${name} (${text})`;
    case "ban":
      return `ban ${name} for ${action.duration} (${text})`;
    case "command":
      return `run custom command ${action.commandId}`;
    case "webhook":
      return `send webhook ${action.webhookId}`;
  }
}

export async function act(
  deps: ActDeps,
  trigger: LoadedTrigger,
  serverId: string,
  player: EventPlayer | null,
  summary: string,
): Promise<Outcome> {
  const ran = await runAs(deps.db, { name: trigger.name, ownerId: trigger.ownerId });
  if (!ran.ok) return { outcome: "refused", detail: `not run: ${ran.reason}` };
  const caller = ran.caller;
  // Whoever lost automation rights on this server no longer automates it, whatever else they hold.
  if (!can(caller.actor, "automation.manage", serverId)) {
    await recordAudit(deps.db, {
      actor: caller.actor,
      action: "automation.trigger.fire",
      serverId,
      targetType: "automation_trigger",
      targetId: trigger.id,
      outcome: "denied",
      detail: "owner lacks automation.manage on this server",
    });
    return { outcome: "refused", detail: "its owner no longer holds automation.manage on this server" };
  }
  if (trigger.action.kind === "webhook")
    return sendWebhook(deps, caller.actor, trigger, serverId, player, summary);
  try {
    const message = await run(deps, caller, trigger.action, serverId, player);
    return { outcome: "done", detail: message };
  } catch (error) {
    const text = isAppError(error) ? error.message : String(error).slice(0, 200);
    const refused =
      isAppError(error) && ["FORBIDDEN", "CONFIRMATION_REQUIRED", "TWO_FACTOR_REQUIRED"].includes(error.code);
    return { outcome: refused ? "refused" : "failed", detail: text };
  }
}

async function run(
  deps: ActDeps,
  caller: OperationCaller,
  action: TriggerAction,
  serverId: string,
  player: EventPlayer | null,
): Promise<string> {
  const text = fillPlayer(action.text, player?.name ?? null);
  if (action.kind === "command") {
    // `{player}` in an argument is the event's player id (a player argument takes the id).
    const args = Object.fromEntries(
      Object.entries(action.args).map(([k, v]) => [k, v === PLAYER_PLACEHOLDER ? (player?.id ?? "") : v]),
    );
    const result = await runCustomCommand(deps, caller, {
      serverId,
      commandId: action.commandId,
      args,
      confirmed: action.confirmed,
    });
    return `ran "${result.command.text.slice(0, 200)}"`;
  }
  if (action.kind === "webhook") throw new Error("webhooks are sent by sendWebhook");
  if (!player?.id) throw new Error("the game did not say which player it was");
  const playerId = player.id;
  switch (action.kind) {
    case "message":
      return (await messagePlayer(deps, caller, { serverId, playerId, message: text })).message;
    case "warn":
      return (await warnPlayer(deps, caller, { serverId, playerId, reason: text })).message;
    case "kick":
      return (await kickPlayer(deps, caller, { serverId, playerId, reason: text })).message;
    case "ban": {
      const ban = await banOnlinePlayer(
        { db: deps.db, ...caller },
        deps.hub,
        serverId,
        playerId,
        { reason: text, duration: action.duration },
        new Date(deps.wall()),
      );
      return `banned ${ban.playerNames[0] ?? player.name} (${action.duration})`;
    }
  }
}

/** A "trigger" notice to one webhook; the dispatcher checks that the owner may use it (and neutralises mentions). */
async function sendWebhook(
  deps: ActDeps,
  owner: Actor,
  trigger: LoadedTrigger,
  serverId: string,
  player: EventPlayer | null,
  summary: string,
): Promise<Outcome> {
  if (!deps.webhooks) return { outcome: "failed", detail: "webhooks are not running in this process" };
  const server = await deps.db.server.findUnique({ where: { id: serverId }, select: { name: true } });
  const notice: WebhookNotice = {
    event: "trigger",
    serverId,
    title: `Trigger: ${trigger.name}`,
    text: trigger.action.text === "" ? summary : fillPlayer(trigger.action.text, player?.name ?? null),
    fields: [
      { name: "Server", value: server?.name ?? serverId },
      ...(player ? [{ name: "Player", value: player.name }] : []),
      { name: "Event", value: summary },
    ],
  };
  const sent = await deps.webhooks.sendTo(trigger.action.webhookId, notice, owner);
  return sent.ok
    ? { outcome: "done", detail: "webhook queued" }
    : { outcome: "refused", detail: `webhook not sent: ${sent.reason}` };
}
