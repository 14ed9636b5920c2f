import { z } from "zod";
import { PERMISSIONS } from "../permissions.ts";

/** A role id: a built-in name or a generated id. Its existence is checked against the Role table. */
export const roleIdSchema = z.string().trim().min(1, "Choose a role").max(64);

const roleFields = {
  name: z.string().trim().min(1, "Enter a name").max(40, "Use at most 40 characters"),
  description: z.string().trim().max(200, "Use at most 200 characters").default(""),
  permissions: z
    .array(z.enum(PERMISSIONS, { error: "Unknown permission" }))
    .max(PERMISSIONS.length)
    .transform((list) => [...new Set(list)]),
  requireTwoFactor: z.boolean().default(false),
};

export const createRoleSchema = z.object(roleFields);
export type CreateRoleInput = z.infer<typeof createRoleSchema>;

export const updateRoleSchema = z.object({ roleId: roleIdSchema, ...roleFields });
export type UpdateRoleInput = z.infer<typeof updateRoleSchema>;

/** The one setting a built-in role lets an Owner change. */
export const roleTwoFactorSchema = z.object({ roleId: roleIdSchema, requireTwoFactor: z.boolean() });
export type RoleTwoFactorInput = z.infer<typeof roleTwoFactorSchema>;

export const deleteRoleSchema = z.object({ roleId: roleIdSchema });
