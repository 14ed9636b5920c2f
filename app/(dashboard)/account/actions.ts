"use server";

import { changePasswordSchema } from "@/lib/schemas/auth";
import { authedAction } from "@/server/auth/action";
import { changeOwnPassword } from "@/server/data/users";
import { getRuntime } from "@/server/runtime";

export const changePasswordAction = authedAction(changePasswordSchema, {}, async (input, ctx) => {
  await changeOwnPassword(ctx, input);
  getRuntime().endUserSessions(ctx.actor.id, "Your password changed.");
  return { changed: true as const };
});
