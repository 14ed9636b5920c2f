"use server";

import { acceptInviteSchema } from "@/lib/schemas/auth";
import { publicAction } from "@/server/auth/action";
import { getRequestIp } from "@/server/auth/next";
import { acceptInvite } from "@/server/data/users";
import { getRuntime } from "@/server/runtime";

export const acceptInviteAction = publicAction(acceptInviteSchema, async (input) =>
  acceptInvite(getRuntime().db, input, await getRequestIp()),
);
