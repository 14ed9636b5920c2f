"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { createServerSchema, updateServerSchema } from "@/lib/schemas/server";
import { authedAction } from "@/server/auth/action";
import { createServer, deleteServer, updateServer } from "@/server/data/servers";
import { getRuntime } from "@/server/runtime";

const SHAPE = { booleans: ["enabled"] } as const;

export const createServerAction = authedAction(createServerSchema, SHAPE, async (input, ctx) => {
  const server = await createServer(ctx, getRuntime().secrets.encryptionKey, input);
  revalidatePath("/servers");
  return server;
});

export const updateServerAction = authedAction(updateServerSchema, SHAPE, async (input, ctx) => {
  const server = await updateServer(ctx, getRuntime().secrets.encryptionKey, input);
  revalidatePath("/servers");
  return server;
});

export const deleteServerAction = authedAction(z.object({ id: z.string().min(1).max(64) }), {}, async ({ id }, ctx) => {
  await deleteServer(ctx, id);
  revalidatePath("/servers");
  return { id };
});
