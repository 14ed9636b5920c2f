/**
 * Automation acts as its owner: the owner's actor is loaded at every run (current roles, servers,
 * disabled state), so a schedule or trigger never holds more than its owner holds now. The actor is
 * stamped with the automation's name: audit rows get it (`AuditEvent.automation`) and console lines
 * show "automation: <name> (<owner>)" as the acting user.
 */
import type { Actor } from "../../lib/permissions.ts";
import type { Db } from "../db/client.ts";
import { loadOwnerActor } from "../data/users.ts";
import type { OperationCaller } from "../operations/players.ts";

export interface AutomationIdentity {
  /** The schedule's or trigger's name, as the audit log and console show it. */
  name: string;
  /** Its owner; null once the owner was deleted (the automation then cannot act). */
  ownerId: string | null;
}

export type RunAs = { ok: true; caller: OperationCaller } | { ok: false; reason: string };

export async function runAs(db: Db, automation: AutomationIdentity): Promise<RunAs> {
  if (automation.ownerId === null) return { ok: false, reason: "its owner no longer exists" };
  const owner = await loadOwnerActor(db, automation.ownerId);
  if (!owner) return { ok: false, reason: "its owner is disabled or no longer exists" };
  return { ok: true, caller: { actor: asAutomation(owner, automation.name), ip: null } };
}

export function asAutomation(owner: Actor, name: string): Actor {
  return { ...owner, name: `automation: ${name} (${owner.name})`, automation: name };
}
