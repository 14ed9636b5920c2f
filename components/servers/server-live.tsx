"use client";

/**
 * The page of one server: live status, console and players, all from one socket subscription.
 * Permissions arrive from the page (the UI only hides what the server would refuse anyway). On wide
 * screens the console and the player table sit side by side, each as tall as the viewport allows;
 * narrower screens stack them. Watched players joining raise an alert at the top.
 */
import Link from "next/link";
import { useMemo, useState } from "react";
import type { RunnableCommand } from "@/lib/commands/definition";
import { CustomCommandsPanel } from "@/components/commands/custom-commands-panel";
import { colourRuleForGame } from "@/lib/console/colour-rule";
import type { WatchNoticeMessage } from "@/lib/realtime/contract";
import { ConsolePanel } from "@/components/console/console-panel";
import { ColouredText } from "@/components/console/coloured-text";
import { useNameMatcher } from "@/components/console/use-name-matcher";
import type { BanOptions } from "@/components/players/ban-player-form";
import { PlayerTable } from "@/components/players/player-table";
import { PlayerNameButton } from "@/components/players/profile/player-name-button";
import { PlayerProfileProvider } from "@/components/players/profile/profile-drawer";
import { RealtimeConnectionBanner, RealtimeProvider } from "@/components/realtime/realtime-provider";
import { useServerStream } from "@/components/realtime/use-server-stream";
import { Button } from "@/components/ui/button";
import { Notice } from "@/components/ui/notice";
import { StatusBadge } from "./status-badge";

export interface ServerLiveProps {
  server: {
    id: string;
    name: string;
    game: string;
    gameLabel: string;
    protocol: string;
    host?: string;
    port?: number;
    isDemo: boolean;
  };
  permissions: { execute: boolean; kick: boolean; message: boolean };
  /** Custom commands this user may run here (the server checks again at each run). */
  customCommands?: readonly RunnableCommand[];
  /** Present when the user may ban on this server. */
  ban?: BanOptions;
}

export function ServerLive(props: ServerLiveProps) {
  return (
    <RealtimeProvider>
      {/* Inside the socket provider: the drawer's Message/Warn/Kick reuse this page's socket. */}
      <PlayerProfileProvider>
        <ServerLiveInner {...props} />
      </PlayerProfileProvider>
    </RealtimeProvider>
  );
}

const NO_COMMANDS: readonly RunnableCommand[] = [];

function ServerLiveInner({ server, permissions, ban, customCommands = NO_COMMANDS }: ServerLiveProps) {
  const [selectedCommand, setSelectedCommand] = useState<string | null>(null);
  const stream = useServerStream(server.id);
  const colourRule = colourRuleForGame(server.game, server.protocol);
  const playerNames = useMemo(() => stream.players.map((p) => p.plainName), [stream.players]);
  const nameMatcher = useNameMatcher(stream.players);
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
        {server.isDemo ? (
          <span className="rounded bg-violet-100 px-2 py-0.5 text-xs text-violet-800 dark:bg-violet-950 dark:text-violet-200">
            Demo
          </span>
        ) : null}
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
      {stream.watchNotices.map((notice) => (
        <WatchAlert
          key={`${notice.playerId}:${notice.at}`}
          notice={notice}
          rule={colourRule}
          onDismiss={stream.dismissWatch}
        />
      ))}
      <RealtimeConnectionBanner />
      {stream.error ? <Notice tone="error">{stream.error}</Notice> : null}
      <div className="grid grid-cols-[minmax(0,1fr)] gap-4 xl:h-[calc(100dvh-10rem)] xl:min-h-[36rem] xl:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
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
          customCommands={customCommands}
          onCustomCommand={setSelectedCommand}
          nameMatcher={nameMatcher}
          className="xl:h-full"
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
          className="xl:h-full"
        />
      </div>
      <CustomCommandsPanel
        commands={customCommands}
        players={stream.players}
        selected={selectedCommand}
        onSelect={setSelectedCommand}
        onRun={stream.runCustom}
      />
    </div>
  );
}

function WatchAlert({
  notice,
  rule,
  onDismiss,
}: {
  notice: WatchNoticeMessage;
  rule: ReturnType<typeof colourRuleForGame>;
  onDismiss: (notice: WatchNoticeMessage) => void;
}) {
  return (
    <div
      role="alert"
      className="flex flex-wrap items-center justify-between gap-2 rounded-md border-l-4 border-red-600 bg-red-50 px-4 py-3 text-sm text-red-900 shadow-sm dark:bg-red-950 dark:text-red-100"
    >
      <p>
        <span className="font-semibold">
          <PlayerNameButton playerId={notice.playerId}>
            <ColouredText text={notice.name} rule={rule} />
          </PlayerNameButton>{" "}
          joined
        </span>{" "}
        — on the watch list: {notice.reason}
      </p>
      <Button
        variant="ghost"
        className="px-2 py-1 text-xs"
        aria-label="Dismiss watch-list alert"
        onClick={() => onDismiss(notice)}
      >
        Dismiss
      </Button>
    </div>
  );
}
