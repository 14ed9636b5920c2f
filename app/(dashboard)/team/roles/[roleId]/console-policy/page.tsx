import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ConsolePolicyEditor } from "@/components/roles/console-policy-editor";
import { isAppError } from "@/lib/errors";
import { requireDataContext } from "@/server/auth/next";
import { getRolePolicy, type RolePolicyView } from "@/server/data/command-rules";
import { getRuntime } from "@/server/runtime";
import { addRuleAction, moveRuleAction, removeRuleAction } from "./actions";

export const metadata: Metadata = { title: "Console policy" };

// Thin: getRolePolicy checks roles.manage; the actions check again, and the console enforces the rules.
export default async function ConsolePolicyPage({ params }: { params: Promise<{ roleId: string }> }) {
  const { roleId } = await params;
  const ctx = await requireDataContext();
  let view: RolePolicyView;
  try {
    view = await getRolePolicy(ctx, roleId);
  } catch (error) {
    if (isAppError(error) && (error.code === "NOT_FOUND" || error.code === "FORBIDDEN")) notFound();
    throw error;
  }
  const games = (await getRuntime().hub?.policyGames?.()) ?? [];
  return (
    <ConsolePolicyEditor
      view={view}
      games={games}
      actions={{ add: addRuleAction, remove: removeRuleAction, move: moveRuleAction }}
    />
  );
}
