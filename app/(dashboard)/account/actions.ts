"use server";

import { revalidatePath } from "next/cache";
import { createApiTokenSchema, revokeApiTokenSchema } from "@/lib/schemas/api-tokens";
import { changePasswordSchema, revokeSessionSchema, signOutEverywhereSchema } from "@/lib/schemas/auth";
import { twoFactorConfirmSchema, twoFactorProofSchema, twoFactorStartSchema } from "@/lib/schemas/two-factor";
import { authedAction } from "@/server/auth/action";
import { createApiToken, revokeApiToken } from "@/server/auth/api-token";
import { getSessionClaims } from "@/server/auth/next";
import { endAllSessions, revokeAllOwnSessions, revokeOwnSession } from "@/server/data/sessions";
import {
  confirmTwoFactorSetup,
  disableTwoFactor,
  regenerateRecoveryCodes,
  startTwoFactorSetup,
} from "@/server/data/two-factor";
import { changeOwnPassword } from "@/server/data/users";
import { getRuntime } from "@/server/runtime";

// A user whose role requires two-factor sign-in may still manage its own account while it enrols.
const OPEN_WHILE_ENROLLING = { twoFactorSetup: true };

export const changePasswordAction = authedAction(
  changePasswordSchema,
  OPEN_WHILE_ENROLLING,
  async (input, ctx) => {
    await changeOwnPassword(ctx, input);
    await endAllSessions(ctx.db, ctx.actor.id, "password-change");
    getRuntime().endUserSessions(ctx.actor.id, "Your password changed.");
    return { changed: true as const };
  },
);

/** Signs out one of the caller's own sessions (the data function refuses anybody else's). */
export const revokeSessionAction = authedAction(
  revokeSessionSchema,
  OPEN_WHILE_ENROLLING,
  async (input, ctx) => {
    await revokeOwnSession(ctx, input.sessionId);
    getRuntime().endSessionSockets?.(input.sessionId, "This session was signed out from the account page.");
    revalidatePath("/account");
    return { sessionId: input.sessionId };
  },
);

export const signOutEverywhereAction = authedAction(
  signOutEverywhereSchema,
  OPEN_WHILE_ENROLLING,
  async (_input, ctx) => {
    const ended = await revokeAllOwnSessions(ctx);
    getRuntime().endUserSessions(ctx.actor.id, "You signed out everywhere.");
    return { ended };
  },
);

// Two-factor sign-in: the data functions check the codes (per-user limiter) and audit; the HTTP
// budget is charged by authedAction first.
function twoFactorDeps() {
  const runtime = getRuntime();
  return { limiter: runtime.twoFactorLimiter, key: runtime.secrets.encryptionKey };
}

export const startTwoFactorAction = authedAction(
  twoFactorStartSchema,
  OPEN_WHILE_ENROLLING,
  async (_input, ctx) => startTwoFactorSetup(ctx, getRuntime().secrets.encryptionKey),
);

export const confirmTwoFactorAction = authedAction(
  twoFactorConfirmSchema,
  OPEN_WHILE_ENROLLING,
  async (input, ctx) => {
    const currentSessionId = (await getSessionClaims())?.sid ?? null;
    const { recoveryCodes, endedSessionIds } = await confirmTwoFactorSetup(ctx, input.code, {
      ...twoFactorDeps(),
      currentSessionId,
    });
    for (const sessionId of endedSessionIds)
      getRuntime().endSessionSockets?.(sessionId, "Two-factor sign-in was turned on: sign in again.");
    // No revalidation: the form keeps the recovery codes on screen until the user has saved them.
    return { recoveryCodes };
  },
);

export const disableTwoFactorAction = authedAction(
  twoFactorProofSchema,
  OPEN_WHILE_ENROLLING,
  async (input, ctx) => {
    await disableTwoFactor(ctx, input, twoFactorDeps());
    revalidatePath("/account");
    return { disabled: true as const };
  },
);

export const regenerateRecoveryCodesAction = authedAction(
  twoFactorProofSchema,
  OPEN_WHILE_ENROLLING,
  async (input, ctx) => {
    const result = await regenerateRecoveryCodes(ctx, input, twoFactorDeps());
    revalidatePath("/account");
    return result;
  },
);

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
