"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { createServerSchema, updateServerSchema } from "@/lib/schemas/server";
import { authedAction } from "@/server/auth/action";
import { createServer, deleteServer, getServer, updateServer } from "@/server/data/servers";
import { setDemoDisabled } from "@/server/data/settings";
import { getRuntime } from "@/server/runtime";

const SHAPE = { booleans: ["enabled", "gameLogs"] } as const;

export const createServerAction = authedAction(createServerSchema, SHAPE, async (input, ctx) => {
  const server = await createServer(ctx, getRuntime().secrets.encryptionKey, input);
  await getRuntime().hub?.reloadServer(server.id);
  revalidatePath("/servers");
  return server;
});

export const updateServerAction = authedAction(updateServerSchema, SHAPE, async (input, ctx) => {
  const server = await updateServer(ctx, getRuntime().secrets.encryptionKey, input);
  // Reconnects only when host, port, password, game, encoding, enabled or gameLogs changed.
  await getRuntime().hub?.reloadServer(server.id);
  revalidatePath("/servers");
  return server;
});

export const deleteServerAction = authedAction(
  z.object({ id: z.string().min(1).max(64) }),
  {},
  async ({ id }, ctx) => {
    const wasDemo = await getServer(ctx, id).then(
      (s) => s.isDemo,
      () => false,
    );
    await deleteServer(ctx, id);
    // Removing a demo server turns demo mode off for good (no re-creation at the next start).
    if (wasDemo) await setDemoDisabled(ctx.db, true);
    await getRuntime().hub?.removeServer(id);
    revalidatePath("/servers");
    return { id };
  },
);
