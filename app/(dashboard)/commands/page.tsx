import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { CommandManager } from "@/components/commands/command-manager";
import { can, limitedServerIds } from "@/lib/permissions";
import { requireDataContext } from "@/server/auth/next";
import { listCustomCommands, listRoleChoices } from "@/server/data/custom-commands";
import { deleteCommandAction, saveCommandAction } from "./actions";

export const metadata: Metadata = { title: "Commands" };

export default async function CommandsPage() {
  const ctx = await requireDataContext();
  if (!can(ctx.actor, "commands.manage")) notFound();
  const [commands, roles] = await Promise.all([listCustomCommands(ctx), listRoleChoices(ctx)]);
  return (
    <CommandManager
      commands={commands}
      roles={roles}
      canEdit={limitedServerIds(ctx.actor) === null}
      actions={{ save: saveCommandAction, remove: deleteCommandAction }}
    />
  );
}
