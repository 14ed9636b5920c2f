import type { Metadata } from "next";
import { ServerList } from "@/components/servers/server-list";
import { can } from "@/lib/permissions";
import { GAME_PRESETS } from "@/lib/games";
import { requireDataContext } from "@/server/auth/next";
import { listServers } from "@/server/data/servers";
import { createServerAction, deleteServerAction, updateServerAction } from "./actions";

export const metadata: Metadata = { title: "Servers" };

export default async function ServersPage() {
  const ctx = await requireDataContext();
  const servers = await listServers(ctx);
  return (
    <ServerList
      servers={servers}
      presets={GAME_PRESETS}
      canManage={can(ctx.actor, "server.manage")}
      actions={{ create: createServerAction, update: updateServerAction, remove: deleteServerAction }}
    />
  );
}
