import type { Metadata } from "next";
import { ServerList } from "@/components/servers/server-list";
import { can, canCreateServer } from "@/lib/permissions";
import { GAME_PRESETS } from "@/lib/games";
import { requireDataContext } from "@/server/auth/next";
import { listPlayerCountSamples } from "@/server/data/history";
import { listServers } from "@/server/data/servers";
import { createServerAction, deleteServerAction, updateServerAction } from "./actions";

export const metadata: Metadata = { title: "Servers" };

/** How far back the overview's player-count sparklines reach. */
const SAMPLE_HOURS = 24;
const samplesSince = () => new Date(Date.now() - SAMPLE_HOURS * 3_600_000);

export default async function ServersPage() {
  const ctx = await requireDataContext();
  const servers = await listServers(ctx);
  // Live statuses come over the socket (servers:watch); the stored history only feeds the sparklines.
  const samples = await listPlayerCountSamples(
    ctx,
    samplesSince(),
    servers.map((s) => s.id),
  );
  return (
    <ServerList
      servers={servers}
      samples={samples}
      sampleHours={SAMPLE_HOURS}
      presets={GAME_PRESETS}
      canAdd={canCreateServer(ctx.actor)}
      manageableIds={servers.filter((s) => can(ctx.actor, "server.manage", s.id)).map((s) => s.id)}
      actions={{ create: createServerAction, update: updateServerAction, remove: deleteServerAction }}
    />
  );
}
