"use server";

import { revalidatePath } from "next/cache";
import {
  addCommandRuleSchema,
  moveCommandRuleSchema,
  removeCommandRuleSchema,
} from "@/lib/schemas/command-rules";
import { authedAction } from "@/server/auth/action";
import { addCommandRule, moveCommandRule, removeCommandRule } from "@/server/data/command-rules";

const page = (roleId: string) => `/team/roles/${encodeURIComponent(roleId)}/console-policy`;

export const addRuleAction = authedAction(addCommandRuleSchema, {}, async (input, ctx) => {
  const rule = await addCommandRule(ctx, input);
  revalidatePath(page(input.roleId));
  return { ruleId: rule.id };
});

export const removeRuleAction = authedAction(removeCommandRuleSchema, {}, async (input, ctx) => {
  await removeCommandRule(ctx, input);
  revalidatePath(page(input.roleId));
  return { ruleId: input.ruleId };
});

export const moveRuleAction = authedAction(moveCommandRuleSchema, {}, async (input, ctx) => {
  await moveCommandRule(ctx, input);
  revalidatePath(page(input.roleId));
  return { ruleId: input.ruleId };
});
