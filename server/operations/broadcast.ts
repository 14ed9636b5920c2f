/**
 * A message to everyone on a game server (schedules' broadcasts): `players.message` on the server
 * (an audited refusal otherwise), the audit row first, then the hub. Text a game cannot carry is
 * refused by its dialect before anything is sent.
 */
import { requirePermission } from "../data/context.ts";
import type { HubPort } from "../hub/port.ts";
import { auditedFor } from "./audited.ts";
import type { OperationDeps } from "./deps.ts";
import type { OperationCaller } from "./players.ts";

export type BroadcastDeps = Pick<OperationDeps, "db" | "logger"> & { hub: Pick<HubPort, "broadcast"> };

export async function broadcastMessage(
  deps: BroadcastDeps,
  caller: OperationCaller,
  { serverId, message }: { serverId: string; message: string },
): Promise<{ message: string }> {
  await requirePermission({ db: deps.db, ...caller }, "players.message", "server.broadcast", serverId);
  return auditedFor(deps, caller.ip)(
    {
      actor: caller.actor,
      action: "server.broadcast",
      serverId,
      targetType: "server",
      targetId: serverId,
      input: { message },
    },
    () => deps.hub.broadcast(serverId, caller.actor, message),
    (r) => r.message,
  );
}
