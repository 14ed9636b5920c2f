"use server";

import { revalidatePath } from "next/cache";
import { createApiTokenSchema, revokeApiTokenSchema } from "@/lib/schemas/api-tokens";
import { changePasswordSchema, revokeSessionSchema, signOutEverywhereSchema } from "@/lib/schemas/auth";
import { authedAction } from "@/server/auth/action";
import { createApiToken, revokeApiToken } from "@/server/auth/api-token";
import { endAllSessions, revokeAllOwnSessions, revokeOwnSession } from "@/server/data/sessions";
import { changeOwnPassword } from "@/server/data/users";
import { getRuntime } from "@/server/runtime";

export const changePasswordAction = authedAction(changePasswordSchema, {}, async (input, ctx) => {
  await changeOwnPassword(ctx, input);
  await endAllSessions(ctx.db, ctx.actor.id, "password-change");
  getRuntime().endUserSessions(ctx.actor.id, "Your password changed.");
  return { changed: true as const };
});

/** Signs out one of the caller's own sessions (the data function refuses anybody else's). */
export const revokeSessionAction = authedAction(revokeSessionSchema, {}, async (input, ctx) => {
  await revokeOwnSession(ctx, input.sessionId);
  getRuntime().endSessionSockets?.(input.sessionId, "This session was signed out from the account page.");
  revalidatePath("/account");
  return { sessionId: input.sessionId };
});

export const signOutEverywhereAction = authedAction(signOutEverywhereSchema, {}, async (_input, ctx) => {
  const ended = await revokeAllOwnSessions(ctx);
  getRuntime().endUserSessions(ctx.actor.id, "You signed out everywhere.");
  return { ended };
});

/** A personal access token for the REST API: returned once, stored hashed (server/auth/api-token.ts). */
export const createApiTokenAction = authedAction(
  createApiTokenSchema,
  { arrays: ["permissions", "serverIds"] },
  async (input, ctx) => {
    const { token, dto } = await createApiToken(ctx, input);
    revalidatePath("/account");
    return { token, id: dto.id, name: dto.name };
  },
);

export const revokeApiTokenAction = authedAction(revokeApiTokenSchema, {}, async (input, ctx) => {
  await revokeApiToken(ctx, input.tokenId);
  revalidatePath("/account");
  return { tokenId: input.tokenId };
});
