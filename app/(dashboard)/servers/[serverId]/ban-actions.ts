"use server";

/**
 * The server page's drift actions. Thin: adoptNativeBan / removeNativeBan check bans.manage on the
 * native ban's server and audit; then the hub re-runs that server's sync so the adopted ban is
 * recorded as applied, or the removal is done and verified, without waiting for the next pass.
 */
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { authedAction } from "@/server/auth/action";
import { adoptNativeBan, removeNativeBan } from "@/server/data/ban-drift";
import { getRuntime } from "@/server/runtime";

const schema = z.object({ id: z.string().min(1).max(64) });

function after(serverId: string): void {
  getRuntime().hub?.recheckBans([serverId]);
  revalidatePath(`/servers/${serverId}`);
  revalidatePath("/bans");
}

export const adoptNativeBanAction = authedAction(schema, {}, async (input, ctx) => {
  const ban = await adoptNativeBan(ctx, input.id);
  // The adopted ban is scoped to the native ban's own server.
  after(ban.serverIds[0] ?? "");
  return { id: ban.id };
});

export const removeNativeBanAction = authedAction(schema, {}, async (input, ctx) => {
  after((await removeNativeBan(ctx, input.id)).serverId);
  return { id: input.id };
});
