/** Input of the console-policy editor's actions (server/data/command-rules.ts). */
import { z } from "zod";
import { COMMAND_GLOB, MAX_GLOB_LENGTH } from "../commands/glob.ts";

const noControl = (v: string) => !/[\u0000-\u001f\u007f]/.test(v);
const roleId = z.string().min(1).max(64);

export const addCommandRuleSchema = z.object({
  roleId,
  effect: z.enum(["allow", "deny"]),
  command: z
    .string()
    .trim()
    .min(1)
    .max(MAX_GLOB_LENGTH)
    .regex(COMMAND_GLOB, "Letters, digits, _ . # / : - and the globs * ?"),
  args: z
    .string()
    .trim()
    .max(MAX_GLOB_LENGTH)
    .refine(noControl, "No control characters")
    .transform((v) => v.replace(/\s+/g, " "))
    .optional()
    .transform((v) => (v ? v : null)),
  note: z.string().trim().max(200).refine(noControl, "No control characters").optional().default(""),
});
export type AddCommandRuleInput = z.infer<typeof addCommandRuleSchema>;

export const removeCommandRuleSchema = z.object({ roleId, ruleId: z.string().min(1).max(64) });
export type RemoveCommandRuleInput = z.infer<typeof removeCommandRuleSchema>;

export const moveCommandRuleSchema = removeCommandRuleSchema.extend({ direction: z.enum(["up", "down"]) });
export type MoveCommandRuleInput = z.infer<typeof moveCommandRuleSchema>;
