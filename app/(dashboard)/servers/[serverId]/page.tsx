import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ServerBansPanel } from "@/components/bans/server-bans-panel";
import { PlayerCountPanel } from "@/components/charts/player-count-panel";
import { ServerLive } from "@/components/servers/server-live";
import { isAppError } from "@/lib/errors";
import { playerCountsOrError } from "@/lib/player-count-errors";
import { DEFAULT_RANGE } from "@/lib/schemas/player-counts";
import { can } from "@/lib/permissions";
import { requireDataContext } from "@/server/auth/next";
import { listNativeOnlyBans } from "@/server/data/ban-drift";
import { listBanLists } from "@/server/data/ban-lists";
import { banLimitFor } from "@/server/data/ban-page";
import { runnableCommands } from "@/server/data/custom-commands";
import { getServer, type ServerDto } from "@/server/data/servers";
import { serverPlayerCounts } from "@/server/data/player-counts";
import { listServerBans } from "@/server/data/server-bans";
import { adoptNativeBanAction, removeNativeBanAction } from "./ban-actions";

export const metadata: Metadata = { title: "Server" };

// Thin: the data layer checks server.view; live data comes over the socket, which checks again.
export default async function ServerPage({
  params,
  searchParams,
}: {
  params: Promise<{ serverId: string }>;
  searchParams: Promise<{ range?: string | string[] }>;
}) {
  const { serverId } = await params;
  const { range } = await searchParams;
  const ctx = await requireDataContext();
  let server: ServerDto;
  try {
    server = await getServer(ctx, serverId);
  } catch (error) {
    if (isAppError(error) && (error.code === "NOT_FOUND" || error.code === "FORBIDDEN")) notFound();
    throw error;
  }
  const ban = can(ctx.actor, "players.ban", server.id)
    ? {
        serverId: server.id,
        limit: await banLimitFor(ctx, server.id),
        lists: (await listBanLists(ctx)).map((l) => ({ id: l.id, name: l.name })),
      }
    : undefined;
  const [bans, nativeOnly, customCommands] = await Promise.all([
    listServerBans(ctx, server.id),
    listNativeOnlyBans(ctx, server.id),
    runnableCommands(ctx, server.id, server.game),
  ]);
  const counts = await playerCountsOrError(() =>
    serverPlayerCounts(ctx, server.id, range ?? DEFAULT_RANGE, new Date()),
  );
  return (
    <div className="space-y-6">
      <ServerLive
        ban={ban}
        customCommands={customCommands}
        server={{
          id: server.id,
          name: server.name,
          game: server.game,
          gameLabel: server.gameLabel,
          protocol: server.protocol,
          ...(server.host !== undefined && server.port !== undefined
            ? { host: server.host, port: server.port }
            : {}),
          isDemo: server.isDemo,
        }}
        permissions={{
          execute: can(ctx.actor, "console.execute", server.id),
          kick: can(ctx.actor, "players.kick", server.id),
          message: can(ctx.actor, "players.message", server.id),
        }}
      />
      <PlayerCountPanel title="Player count history" chart={counts.chart} error={counts.error} />
      <ServerBansPanel
        bans={bans}
        nativeOnly={nativeOnly}
        manage={can(ctx.actor, "bans.manage", server.id)}
        actions={{ adopt: adoptNativeBanAction, remove: removeNativeBanAction }}
      />
    </div>
  );
}
