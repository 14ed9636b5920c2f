import type { Metadata } from "next";
import { PlayerCountPanel } from "@/components/charts/player-count-panel";
import { ServerList } from "@/components/servers/server-list";
import { playerCountsOrError } from "@/lib/player-count-errors";
import { DEFAULT_RANGE } from "@/lib/schemas/player-counts";
import { can, canCreateServer } from "@/lib/permissions";
import { GAME_PRESETS } from "@/lib/games";
import { requireDataContext } from "@/server/auth/next";
import { listPlayerCountSamples } from "@/server/data/history";
import { OVERVIEW_SERIES, overviewPlayerCounts } from "@/server/data/player-counts";
import { listServers } from "@/server/data/servers";
import { createServerAction, deleteServerAction, updateServerAction } from "./actions";

export const metadata: Metadata = { title: "Servers" };

/** How far back the overview's player-count sparklines reach. */
const SAMPLE_HOURS = 24;
const samplesSince = () => new Date(Date.now() - SAMPLE_HOURS * 3_600_000);

export default async function ServersPage({
  searchParams,
}: {
  searchParams: Promise<{ range?: string | string[] }>;
}) {
  const { range } = await searchParams;
  const ctx = await requireDataContext();
  const servers = await listServers(ctx);
  // Live statuses come over the socket (servers:watch); the stored history only feeds the sparklines.
  const samples = await listPlayerCountSamples(
    ctx,
    samplesSince(),
    servers.map((s) => s.id),
  );
  // One line per server (its map on hover), the busiest few only; the total would hide which server is busy.
  const counts = await playerCountsOrError(() =>
    overviewPlayerCounts(ctx, range ?? DEFAULT_RANGE, new Date()),
  );
  const shown = counts.chart?.series.length ?? 0;
  const withSamples = counts.chart?.serversWithSamples ?? 0;
  return (
    <div className="space-y-6">
      <ServerList
        servers={servers}
        samples={samples}
        sampleHours={SAMPLE_HOURS}
        presets={GAME_PRESETS}
        canAdd={canCreateServer(ctx.actor)}
        manageableIds={servers.filter((s) => can(ctx.actor, "server.manage", s.id)).map((s) => s.id)}
        actions={{ create: createServerAction, update: updateServerAction, remove: deleteServerAction }}
      />
      <PlayerCountPanel
        title="Player count history per server"
        chart={counts.chart}
        error={counts.error}
        note={
          withSamples > shown
            ? `The ${OVERVIEW_SERIES} busiest of ${withSamples} servers (by peak); each server's page has its own chart.`
            : undefined
        }
      />
    </div>
  );
}
