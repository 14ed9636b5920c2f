import { z } from "zod";
import { findPreset } from "../games.ts";

// Hostnames (RFC 1123 labels), IPv4 and bracket-less IPv6. No schemes, paths or spaces.
const HOST_PATTERN = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$|^[0-9a-fA-F:.]+$/;

const serverFields = {
  name: z.string().trim().min(1, "Enter a name").max(80, "Use at most 80 characters"),
  game: z.string().refine((id) => findPreset(id) !== undefined, "Choose a game"),
  host: z.string().trim().min(1, "Enter a host").max(253).regex(HOST_PATTERN, "Enter a host name or IP address, without port"),
  port: z.coerce.number({ error: "Enter a port" }).int("Enter a whole number").min(1, "Ports go from 1 to 65535").max(65535, "Ports go from 1 to 65535"),
  encoding: z
    .string()
    .trim()
    .max(40)
    .regex(/^[a-zA-Z0-9_-]*$/, "Use an encoding name such as utf-8 or latin1")
    .transform((v) => (v === "" ? null : v.toLowerCase())),
  enabled: z.boolean().default(true),
};

const rconPassword = z
  .string()
  .max(200, "Use at most 200 characters")
  .refine((v) => !/[\r\n\0]/.test(v), "The password cannot contain line breaks");

/**
 * Passwords the protocol can never send. Quake 3 engines split the rcon line on spaces, so a
 * password with a space or a quote can never match (PROTOCOLS.md §3.2).
 */
const PASSWORD_RULES: Record<string, { test: RegExp; message: string } | undefined> = {
  quake3: { test: /[\s"]/, message: "Quake 3 engines cannot use an RCON password with spaces or quotes" },
};

function checkPasswordForProtocol(value: { game: string; password: string | null }, ctx: z.RefinementCtx) {
  const rule = PASSWORD_RULES[findPreset(value.game)?.protocol ?? ""];
  if (rule && value.password && rule.test.test(value.password)) {
    ctx.addIssue({ code: "custom", path: ["password"], message: rule.message });
  }
}

/** Adding a server: the RCON password is required. */
export const createServerSchema = z
  .object({ ...serverFields, password: rconPassword.min(1, "Enter the RCON password") })
  .superRefine(checkPasswordForProtocol);

/** Editing: a blank password keeps the stored one (the password is write-only). */
export const updateServerSchema = z.object({
  id: z.string().min(1).max(64),
  ...serverFields,
  password: rconPassword.transform((v) => (v === "" ? null : v)),
}).superRefine(checkPasswordForProtocol);

export type CreateServerInput = z.infer<typeof createServerSchema>;
export type UpdateServerInput = z.infer<typeof updateServerSchema>;
