"use server";

import { setupSchema } from "@/lib/schemas/auth";
import { publicAction } from "@/server/auth/action";
import { getRequestIp } from "@/server/auth/next";
import { completeSetup } from "@/server/data/users";
import { getRuntime } from "@/server/runtime";

export const completeSetupAction = publicAction(setupSchema, async (input) => {
  await completeSetup(getRuntime().db, input, await getRequestIp());
  return { email: input.email };
});
