import { z } from "zod";
import { roleIdSchema } from "./roles.ts";

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email("Enter a valid email address").max(254));
/**
 * Length only: this file is shared with the browser. Strength (common passwords, repeats, names)
 * is estimated on the server (server/auth/password-strength.ts) and comes back as a field error.
 */
export const passwordSchema = z
  .string()
  .min(10, "Use at least 10 characters")
  .max(200, "Use at most 200 characters");
export const displayNameSchema = z
  .string()
  .trim()
  .min(1, "Enter a name")
  .max(80, "Use at most 80 characters");

export const loginSchema = z.object({
  email: emailSchema,
  password: z.string().min(1, "Enter your password").max(200),
  /** Second step for accounts with two-factor sign-in; empty means none given. */
  code: z
    .string()
    .trim()
    .max(32)
    .optional()
    .transform((v) => v || undefined),
});

const newAccountFields = {
  name: displayNameSchema,
  password: passwordSchema,
  confirmPassword: z.string(),
};

function passwordsMatch(value: { password: string; confirmPassword: string }, ctx: z.RefinementCtx) {
  if (value.password !== value.confirmPassword) {
    ctx.addIssue({ code: "custom", path: ["confirmPassword"], message: "The passwords do not match" });
  }
}

export const setupSchema = z
  .object({ token: z.string().min(16).max(200), email: emailSchema, ...newAccountFields })
  .superRefine(passwordsMatch);
export type SetupInput = z.infer<typeof setupSchema>;

export const acceptInviteSchema = z
  .object({ token: z.string().min(16).max(200), ...newAccountFields })
  .superRefine(passwordsMatch);
export type AcceptInviteInput = z.infer<typeof acceptInviteSchema>;

export const changePasswordSchema = z
  .object({
    currentPassword: z.string().min(1, "Enter your current password").max(200),
    password: passwordSchema,
    confirmPassword: z.string(),
  })
  .superRefine(passwordsMatch);
export type ChangePasswordInput = z.infer<typeof changePasswordSchema>;

export const revokeSessionSchema = z.object({ sessionId: z.string().min(1).max(64) });
export const signOutEverywhereSchema = z.object({});

/** A built-in or custom role id; the data layer checks it exists and that the actor may give it. */
export const roleSchema = roleIdSchema;

/**
 * Server access is an explicit choice: "all" (every server, present and future) or "selected"
 * (exactly the checked ones, at least one). Nothing is inferred from an empty list. Owners always
 * reach every server, so their choice is ignored.
 */
const serverAccessFields = {
  role: roleSchema,
  access: z.enum(["all", "selected"], { error: "Choose All servers or pick servers" }),
  serverIds: z.array(z.string().min(1).max(64)).max(500).default([]),
};

function toServerGrant<
  T extends { role: z.infer<typeof roleSchema>; access: "all" | "selected"; serverIds: string[] },
>(value: T, ctx: z.RefinementCtx) {
  const { access, ...rest } = value;
  const allServers = value.role === "OWNER" || access === "all";
  if (!allServers && value.serverIds.length === 0)
    ctx.addIssue({
      code: "custom",
      path: ["serverIds"],
      message: "Pick at least one server, or choose All servers",
    });
  return { ...rest, allServers, serverIds: allServers ? [] : [...new Set(value.serverIds)] };
}

export const inviteSchema = z.object({ email: emailSchema, ...serverAccessFields }).transform(toServerGrant);
export type InviteInput = z.infer<typeof inviteSchema>;

/**
 * Per-server roles, posted as "serverId:roleId" (one select per server row; "" = the main role).
 * For a limited member only the checked servers count; for "all servers" members they are
 * overrides. A per-server role equal to the main role is no override.
 */
const serverRolesField = z
  .array(z.string().max(140))
  .max(500)
  .default([])
  .transform((entries, ctx) => {
    const out: Record<string, string> = {};
    for (const entry of entries) {
      if (entry === "") continue;
      const [serverId = "", roleId = "", ...rest] = entry.split(":");
      if (roleId === "" && rest.length === 0) continue;
      const parsedRole = roleIdSchema.safeParse(roleId);
      if (!serverId || rest.length > 0 || !parsedRole.success || serverId.length > 64) {
        ctx.addIssue({ code: "custom", message: "Choose a role for each server" });
        return z.NEVER;
      }
      if (parsedRole.data === "OWNER") {
        ctx.addIssue({ code: "custom", message: "Owner is a main role only" });
        return z.NEVER;
      }
      out[serverId] = parsedRole.data;
    }
    return out;
  });

export const updateMemberSchema = z
  .object({ userId: z.string().min(1).max(64), ...serverAccessFields, serverRoles: serverRolesField })
  .transform((value, ctx) => {
    const grant = toServerGrant(value, ctx);
    const serverRoles = Object.fromEntries(
      Object.entries(value.serverRoles).filter(
        ([serverId, roleId]) =>
          roleId !== grant.role &&
          grant.role !== "OWNER" &&
          (grant.allServers || grant.serverIds.includes(serverId)),
      ),
    );
    return { ...grant, serverRoles };
  });
/** Per-server roles may be left out by callers (no per-server roles). */
export type UpdateMemberInput = Omit<z.infer<typeof updateMemberSchema>, "serverRoles"> & {
  serverRoles?: Readonly<Record<string, string>>;
};

export const setDisabledSchema = z.object({ userId: z.string().min(1).max(64), disabled: z.boolean() });
