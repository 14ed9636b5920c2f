"use server";

import { revalidatePath } from "next/cache";
import { inviteSchema, setDisabledSchema, updateMemberSchema } from "@/lib/schemas/auth";
import { resetTwoFactorSchema } from "@/lib/schemas/two-factor";
import { authedAction } from "@/server/auth/action";
import { resetMemberTwoFactor } from "@/server/data/two-factor";
import { createInvite, setUserDisabled, updateMember } from "@/server/data/users";
import { getRuntime } from "@/server/runtime";

export const inviteAction = authedAction(inviteSchema, { arrays: ["serverIds"] }, async (input, ctx) => {
  const invite = await createInvite(ctx, input);
  return { link: `${getRuntime().env.publicUrl}/invite?token=${invite.token}`, expiresAt: invite.expiresAt };
});

export const updateMemberAction = authedAction(
  updateMemberSchema,
  { arrays: ["serverIds", "serverRoles"] },
  async (input, ctx) => {
    await updateMember(ctx, input);
    getRuntime().endUserSessions(input.userId, "Your role or server access changed.");
    revalidatePath("/team");
    return { userId: input.userId };
  },
);

export const setDisabledAction = authedAction(
  setDisabledSchema,
  { booleans: ["disabled"] },
  async (input, ctx) => {
    await setUserDisabled(ctx, input.userId, input.disabled);
    if (input.disabled) getRuntime().endUserSessions(input.userId, "Your account was disabled.");
    revalidatePath("/team");
    return { userId: input.userId };
  },
);

/** A member lost their authenticator: they sign in with the password and enrol again if required. */
export const resetTwoFactorAction = authedAction(resetTwoFactorSchema, {}, async (input, ctx) => {
  await resetMemberTwoFactor(ctx, input.userId);
  revalidatePath("/team");
  return { userId: input.userId };
});
