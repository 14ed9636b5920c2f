"use server";

import { revalidatePath } from "next/cache";
import {
  createRoleSchema,
  deleteRoleSchema,
  roleTwoFactorSchema,
  updateRoleSchema,
} from "@/lib/schemas/roles";
import { authedAction } from "@/server/auth/action";
import { createRole, deleteRole, setRoleTwoFactor, updateRole } from "@/server/data/roles";

// Each data function checks roles.manage (and that the role is no wider than the actor) and audits.
const shape = { arrays: ["permissions"], booleans: ["requireTwoFactor"] } as const;

export const createRoleAction = authedAction(createRoleSchema, shape, async (input, ctx) => {
  const role = await createRole(ctx, input);
  revalidatePath("/team/roles");
  return { id: role.id, name: role.name };
});

export const updateRoleAction = authedAction(updateRoleSchema, shape, async (input, ctx) => {
  const role = await updateRole(ctx, input);
  revalidatePath("/team/roles");
  return { id: role.id, name: role.name };
});

export const roleTwoFactorAction = authedAction(
  roleTwoFactorSchema,
  { booleans: ["requireTwoFactor"] },
  async (input, ctx) => {
    await setRoleTwoFactor(ctx, input);
    revalidatePath("/team/roles");
    return { id: input.roleId, name: "" };
  },
);

export const deleteRoleAction = authedAction(deleteRoleSchema, {}, async (input, ctx) => {
  await deleteRole(ctx, input.roleId);
  revalidatePath("/team/roles");
  return { id: input.roleId, name: "" };
});
