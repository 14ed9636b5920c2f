"use client";

/**
 * The page of one server: live status, console and players, all from one socket subscription.
 * Permissions arrive from the page (the UI only hides what the server would refuse anyway).
 */
import Link from "next/link";
import { useMemo } from "react";
import { colourRuleForGame } from "@/lib/console/colour-rule";
import { ConsolePanel } from "@/components/console/console-panel";
import type { BanOptions } from "@/components/players/ban-player-form";
import { PlayerTable } from "@/components/players/player-table";
import { RealtimeConnectionBanner, RealtimeProvider } from "@/components/realtime/realtime-provider";
import { useServerStream } from "@/components/realtime/use-server-stream";
import { Notice } from "@/components/ui/notice";
import { StatusBadge } from "./status-badge";

export interface ServerLiveProps {
  server: { id: string; name: string; game: string; gameLabel: string; protocol: string; host?: string; port?: number; isDemo: boolean };
  permissions: { execute: boolean; kick: boolean; message: boolean };
  /** Present when the user may ban on this server. */
  ban?: BanOptions;
}

export function ServerLive(props: ServerLiveProps) {
  return (
    <RealtimeProvider>
      <ServerLiveInner {...props} />
    </RealtimeProvider>
  );
}

function ServerLiveInner({ server, permissions, ban }: ServerLiveProps) {
  const stream = useServerStream(server.id);
  const colourRule = colourRuleForGame(server.game, server.protocol);
  const playerNames = useMemo(() => stream.players.map((p) => p.plainName), [stream.players]);
  return (
    <div className="space-y-4">
      <nav aria-label="Breadcrumb" className="text-sm">
        <Link href="/servers" className="text-indigo-700 hover:underline dark:text-indigo-300">
          Servers
        </Link>
        <span aria-hidden="true" className="px-1 text-zinc-400">
          /
        </span>
        <span>{server.name}</span>
      </nav>
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold">{server.name}</h1>
        <StatusBadge status={stream.status} />
        {server.isDemo ? <span className="rounded bg-violet-100 px-2 py-0.5 text-xs text-violet-800 dark:bg-violet-950 dark:text-violet-200">Demo</span> : null}
        <span className="text-sm text-zinc-600 dark:text-zinc-400">
          {server.gameLabel}
          {server.host !== undefined ? (
            <>
              {" · "}
              <span className="font-mono text-xs">
                {server.host}:{server.port}
              </span>
            </>
          ) : null}
          {stream.status?.map ? (
            <>
              {" · map "}
              <span className="font-mono text-xs">{stream.status.map}</span>
            </>
          ) : null}
          {stream.status?.latencyMs != null ? ` · ${stream.status.latencyMs} ms` : ""}
        </span>
      </div>
      <RealtimeConnectionBanner />
      {stream.error ? <Notice tone="error">{stream.error}</Notice> : null}
      <div className="grid grid-cols-[minmax(0,1fr)] gap-4 2xl:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <ConsolePanel
          lines={stream.lines}
          ready={stream.ready}
          status={stream.status}
          colourRule={colourRule}
          commands={stream.commands}
          playerNames={playerNames}
          commandHistory={stream.commandHistory}
          canExecute={permissions.execute}
          canLoadOlder={stream.canLoadOlder}
          onLoadOlder={stream.loadOlder}
          onExec={stream.exec}
        />
        <PlayerTable
          players={stream.players}
          ready={stream.ready}
          colourRule={colourRule}
          canKick={permissions.kick}
          canMessage={permissions.message}
          whisper={stream.capabilities?.whisper ?? true}
          onKick={stream.kick}
          onMessage={stream.message}
          ban={ban ? { options: ban, onBan: stream.ban } : undefined}
        />
      </div>
    </div>
  );
}
