"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { authedAction } from "@/server/auth/action";
import { createCustomCommand, deleteCustomCommand, updateCustomCommand } from "@/server/data/custom-commands";

/** The form sends the definition as one JSON field (arguments are nested); the data layer validates it. */
const definitionField = z
  .string()
  .max(50_000)
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message: "Invalid form data" });
      return z.NEVER;
    }
  });

const saveSchema = z.object({ id: z.string().max(64).optional(), definition: definitionField });

export const saveCommandAction = authedAction(saveSchema, {}, async (input, ctx) => {
  const saved = input.id
    ? await updateCustomCommand(ctx, input.id, input.definition)
    : await createCustomCommand(ctx, input.definition);
  revalidatePath("/commands");
  return { id: saved.id };
});

export const deleteCommandAction = authedAction(
  z.object({ id: z.string().min(1).max(64) }),
  {},
  async (input, ctx) => {
    await deleteCustomCommand(ctx, input.id);
    revalidatePath("/commands");
    return { id: input.id };
  },
);
