"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { authedAction } from "@/server/auth/action";
import { createTrigger, deleteTrigger, updateTrigger } from "@/server/data/automation/triggers";
import { getRuntime } from "@/server/runtime";

/** The form sends the trigger as one JSON field (match, conditions and action are nested); the data layer validates it. */
const triggerField = z
  .string()
  .max(20_000)
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message: "Invalid form data" });
      return z.NEVER;
    }
  });

const saveSchema = z.object({ id: z.string().max(64).optional(), trigger: triggerField });

/** This instance's engine reloads at once; other instances notice within their reload interval. */
function reloadTriggers(): void {
  getRuntime().triggers?.changed();
  revalidatePath("/automation/triggers");
}

export const saveTriggerAction = authedAction(saveSchema, {}, async (input, ctx) => {
  const saved = input.id
    ? await updateTrigger(ctx, input.id, input.trigger)
    : await createTrigger(ctx, input.trigger);
  reloadTriggers();
  return { id: saved.id };
});

export const deleteTriggerAction = authedAction(
  z.object({ id: z.string().min(1).max(64) }),
  {},
  async (input, ctx) => {
    await deleteTrigger(ctx, input.id);
    reloadTriggers();
    return { id: input.id };
  },
);
