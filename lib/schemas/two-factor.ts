import { z } from "zod";

/** A 6-digit authenticator code or a recovery code ("abcd-efgh-jkmn-pqrs"); spaces are ignored. */
export const authCodeSchema = z
  .string()
  .trim()
  .min(6, "Enter the 6-digit code from your app")
  .max(32, "Enter the 6-digit code from your app")
  .regex(/^[0-9a-zA-Z\s-]+$/, "Enter the 6-digit code from your app");

export const twoFactorStartSchema = z.object({});
export const twoFactorConfirmSchema = z.object({ code: authCodeSchema });

/** Disabling or regenerating needs a current code (or recovery code) or the account password. */
export const twoFactorProofSchema = z
  .object({
    code: z.string().trim().max(32).optional(),
    password: z.string().max(200).optional(),
  })
  .transform((v) => ({ code: v.code || undefined, password: v.password || undefined }))
  .refine((v) => v.code !== undefined || v.password !== undefined, {
    message: "Enter a code from your app or your password",
    path: ["code"],
  })
  .refine((v) => v.code === undefined || authCodeSchema.safeParse(v.code).success, {
    message: "Enter the 6-digit code from your app",
    path: ["code"],
  });
export type TwoFactorProof = z.infer<typeof twoFactorProofSchema>;

export const resetTwoFactorSchema = z.object({ userId: z.string().min(1).max(64) });

/**
 * What the sign-in step answers after a right password when the account uses two-factor sign-in:
 * the form recognises this exact text and asks for the code.
 */
export const TWO_FACTOR_PROMPT = "Enter the authentication code from your app (or a recovery code).";
