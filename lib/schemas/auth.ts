import { z } from "zod";
import { ROLES } from "../permissions.ts";

export const emailSchema = z.string().trim().toLowerCase().pipe(z.email("Enter a valid email address").max(254));
/**
 * Length only: this file is shared with the browser. Strength (common passwords, repeats, names)
 * is estimated on the server (server/auth/password-strength.ts) and comes back as a field error.
 */
export const passwordSchema = z
  .string()
  .min(10, "Use at least 10 characters")
  .max(200, "Use at most 200 characters");
export const displayNameSchema = z.string().trim().min(1, "Enter a name").max(80, "Use at most 80 characters");

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
  .object({ currentPassword: z.string().min(1, "Enter your current password").max(200), password: passwordSchema, confirmPassword: z.string() })
  .superRefine(passwordsMatch);
export type ChangePasswordInput = z.infer<typeof changePasswordSchema>;

export const revokeSessionSchema = z.object({ sessionId: z.string().min(1).max(64) });
export const signOutEverywhereSchema = z.object({});

export const roleSchema = z.enum(ROLES);

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

function toServerGrant<T extends { role: z.infer<typeof roleSchema>; access: "all" | "selected"; serverIds: string[] }>(value: T, ctx: z.RefinementCtx) {
  const { access, ...rest } = value;
  const allServers = value.role === "OWNER" || access === "all";
  if (!allServers && value.serverIds.length === 0) ctx.addIssue({ code: "custom", path: ["serverIds"], message: "Pick at least one server, or choose All servers" });
  return { ...rest, allServers, serverIds: allServers ? [] : [...new Set(value.serverIds)] };
}

export const inviteSchema = z.object({ email: emailSchema, ...serverAccessFields }).transform(toServerGrant);
export type InviteInput = z.infer<typeof inviteSchema>;

export const updateMemberSchema = z.object({ userId: z.string().min(1).max(64), ...serverAccessFields }).transform(toServerGrant);
export type UpdateMemberInput = z.infer<typeof updateMemberSchema>;

export const setDisabledSchema = z.object({ userId: z.string().min(1).max(64), disabled: z.boolean() });
