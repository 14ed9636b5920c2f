"use server";

/**
 * Bans page actions. Each is thin: the data layer checks permissions, scope and the Moderator
 * maximum and audits; afterwards the hub re-checks the servers concerned so native sync and
 * enforcement follow promptly (a revoke lifts natively, an edit may change a native TTL).
 */
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { IDENTIFIER_KINDS } from "@/lib/bans/identifiers";
import { authedAction } from "@/server/auth/action";
import { createBanList, setBanListServers, updateBanList } from "@/server/data/ban-lists";
import { revokeBans, serversOfBans } from "@/server/data/ban-page";
import { createBan, revokeBan, updateBan } from "@/server/data/bans";
import type { DataContext } from "@/server/data/context";
import { getRuntime } from "@/server/runtime";

const id = z.string().min(1).max(64);
const text = (max: number) => z.string().max(max).default("");

async function recheck(ctx: DataContext, banIds: readonly string[]): Promise<void> {
  const hub = getRuntime().hub;
  if (!hub || banIds.length === 0) return;
  hub.recheckBans(await serversOfBans(ctx.db, banIds));
}

const createSchema = z.object({
  identifierKind: z.array(z.enum(IDENTIFIER_KINDS)).max(20),
  identifierValue: z.array(z.string().max(200)).max(20),
  playerName: text(64),
  reason: text(200),
  note: text(2000),
  duration: text(40),
  scope: z.enum(["all", "servers", "list"]),
  serverIds: z.array(id).max(500),
  banListId: z.string().max(64).default(""),
});

export const createBanAction = authedAction(
  createSchema,
  { arrays: ["identifierKind", "identifierValue", "serverIds"] },
  async (input, ctx) => {
    const ban = await createBan(ctx, {
      identifiers: input.identifierKind.map((kind, i) => ({ kind, value: input.identifierValue[i] ?? "" })),
      playerNames: input.playerName.trim() ? [input.playerName.trim()] : [],
      reason: input.reason,
      note: input.note || undefined,
      duration: input.duration,
      target:
        input.scope === "servers"
          ? { scope: "servers", serverIds: input.serverIds }
          : input.scope === "list"
            ? { scope: "list", banListId: input.banListId }
            : { scope: "all" },
    });
    await recheck(ctx, [ban.id]);
    revalidatePath("/bans");
    return { id: ban.id };
  },
);

const updateSchema = z.object({
  id,
  reason: text(200),
  note: z.string().max(2000).optional(),
  duration: text(40),
});

export const updateBanAction = authedAction(updateSchema, {}, async (input, ctx) => {
  // An empty duration keeps the expiry as it is.
  const ban = await updateBan(ctx, {
    id: input.id,
    reason: input.reason,
    note: input.note,
    duration: input.duration.trim() || undefined,
  });
  await recheck(ctx, [ban.id]);
  revalidatePath("/bans");
  return { id: ban.id };
});

export const revokeBanAction = authedAction(z.object({ id, reason: text(200) }), {}, async (input, ctx) => {
  const ban = await revokeBan(ctx, input);
  await recheck(ctx, [ban.id]);
  revalidatePath("/bans");
  return { id: ban.id };
});

export const bulkRevokeAction = authedAction(
  z.object({ ids: z.array(id).max(200), reason: text(200) }),
  { arrays: ["ids"] },
  async (input, ctx) => {
    const result = await revokeBans(ctx, input);
    await recheck(ctx, result.revoked);
    revalidatePath("/bans");
    return result;
  },
);

const listSchema = z.object({ id: z.string().max(64).default(""), name: text(80), description: text(500) });

export const saveBanListAction = authedAction(listSchema, {}, async (input, ctx) => {
  const data = { name: input.name, description: input.description };
  const listId = input.id
    ? (await updateBanList(ctx, input.id, data), input.id)
    : (await createBanList(ctx, data)).id;
  revalidatePath("/bans");
  return { id: listId };
});

export const setBanListServersAction = authedAction(
  z.object({ id, serverIds: z.array(id).max(500) }),
  { arrays: ["serverIds"] },
  async (input, ctx) => {
    const { added, removed } = await setBanListServers(ctx, input.id, input.serverIds);
    // A server joining or leaving a list gains or loses all its bans at once.
    getRuntime().hub?.recheckBans([...added, ...removed]);
    revalidatePath("/bans");
    return { added, removed };
  },
);
