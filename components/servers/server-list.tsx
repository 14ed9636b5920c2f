"use client";

import Link from "next/link";
import { useState } from "react";
import type { FormAction } from "@/components/forms/types";
import { RealtimeConnectionBanner, RealtimeProvider } from "@/components/realtime/realtime-provider";
import { useNow } from "@/components/realtime/use-now";
import { useServersWatch } from "@/components/realtime/use-servers-watch";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Dialog } from "@/components/ui/dialog";
import { PROTOCOL_LABELS, type GamePreset, type ProtocolName } from "@/lib/games";
import type { ServerStatusMessage } from "@/lib/realtime/contract";
import type { ServerDto } from "@/server/data/servers";
import { DeleteServerForm, ServerForm } from "./server-form";
import { Sparkline, type SparkPoint } from "./sparkline";
import { StatusBadge } from "./status-badge";

interface Props {
  servers: ServerDto[];
  /** Stored player counts per server (oldest first), for the sparklines. */
  samples: Record<string, { at: string; count: number }[]>;
  /** Hours the samples cover, for the sparkline's label. */
  sampleHours: number;
  presets: readonly GamePreset[];
  /** Adding servers needs server.manage on every server (lib/permissions.ts canCreateServer). */
  canAdd: boolean;
  /** Servers this user may edit and remove (server.manage on each). */
  manageableIds: string[];
  actions: {
    create: FormAction<ServerDto>;
    update: FormAction<ServerDto>;
    remove: FormAction<{ id: string }>;
  };
}

type Editing =
  { mode: "add" } | { mode: "edit"; server: ServerDto } | { mode: "remove"; server: ServerDto } | null;

/** The overview: a live card per server (status over the socket) plus add/edit/remove for managers. */
export function ServerList(props: Props) {
  return (
    <RealtimeProvider>
      <ServerListInner {...props} />
    </RealtimeProvider>
  );
}

function ServerListInner({ servers, samples, sampleHours, presets, canAdd, manageableIds, actions }: Props) {
  const { statuses } = useServersWatch();
  const now = useNow(5_000);
  const [editing, setEditing] = useState<Editing>(null);
  const close = () => setEditing(null);
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-4">
        <h1 className="text-2xl font-semibold">Servers</h1>
        {canAdd ? <Button onClick={() => setEditing({ mode: "add" })}>Add server</Button> : null}
      </div>
      <RealtimeConnectionBanner />
      {servers.length === 0 ? (
        <Card>
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            No game servers yet.{canAdd ? " Add one to start." : " Ask an Owner or Admin to add one."}
          </p>
        </Card>
      ) : (
        <ul className="grid gap-4 sm:grid-cols-2 xl:grid-cols-3" aria-label="Game servers">
          {servers.map((server) => (
            <li key={server.id}>
              <ServerCard
                server={server}
                status={statuses[server.id]}
                samples={samples[server.id] ?? []}
                sampleHours={sampleHours}
                now={now}
                canManage={manageableIds.includes(server.id)}
                onEdit={() => setEditing({ mode: "edit", server })}
                onRemove={() => setEditing({ mode: "remove", server })}
              />
            </li>
          ))}
        </ul>
      )}
      <Dialog open={editing?.mode === "add"} onClose={close} title="Add server">
        {editing?.mode === "add" ? (
          <ServerForm presets={presets} action={actions.create} onDone={close} />
        ) : null}
      </Dialog>
      <Dialog open={editing?.mode === "edit"} onClose={close} title="Edit server">
        {editing?.mode === "edit" ? (
          <ServerForm presets={presets} server={editing.server} action={actions.update} onDone={close} />
        ) : null}
      </Dialog>
      <Dialog open={editing?.mode === "remove"} onClose={close} title="Remove server">
        {editing?.mode === "remove" ? (
          <DeleteServerForm server={editing.server} action={actions.remove} onDone={close} />
        ) : null}
      </Dialog>
    </div>
  );
}

function ago(iso: string | null, now: number): string {
  if (!iso) return "none yet";
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  return `${Math.floor(seconds / 3600)} h ago`;
}

interface CardProps {
  server: ServerDto;
  status: ServerStatusMessage | undefined;
  samples: { at: string; count: number }[];
  sampleHours: number;
  now: number;
  canManage: boolean;
  onEdit: () => void;
  onRemove: () => void;
}

/** One server: the whole card opens the server page (a stretched link); Edit/Remove sit above it. */
function ServerCard({ server, status, samples, sampleHours, now, canManage, onEdit, onRemove }: CardProps) {
  const points: SparkPoint[] = samples.map((s) => ({ at: Date.parse(s.at), count: s.count }));
  if (status?.playerCount != null) points.push({ at: now, count: status.playerCount });
  const players = status?.playerCount ?? null;
  const problem =
    status && status.state !== "online" && status.reason ? status.reason : (status?.degraded ?? null);
  return (
    <Card className="relative space-y-2 transition-colors focus-within:ring-2 focus-within:ring-indigo-500 hover:border-indigo-400 dark:hover:border-indigo-500">
      <div className="flex items-start justify-between gap-2">
        <h2 className="font-semibold">
          <Link
            href={`/servers/${server.id}`}
            className="after:absolute after:inset-0 after:content-[''] focus:outline-none"
          >
            {server.name}
          </Link>
        </h2>
        <div className="flex shrink-0 items-center gap-1">
          {server.isDemo ? (
            <span className="rounded bg-violet-100 px-2 py-0.5 text-xs text-violet-800 dark:bg-violet-950 dark:text-violet-200">
              Demo
            </span>
          ) : null}
          {server.enabled ? (
            <StatusBadge status={status} fallback="…" />
          ) : (
            <span className="rounded bg-zinc-100 px-2 py-0.5 text-xs dark:bg-zinc-800">disabled</span>
          )}
        </div>
      </div>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        {server.gameLabel} · {PROTOCOL_LABELS[server.protocol as ProtocolName] ?? server.protocol}
      </p>
      {server.host !== undefined ? (
        <p className="font-mono text-xs text-zinc-500">
          {server.host}:{server.port}
        </p>
      ) : null}
      {problem ? (
        <p className="text-xs text-red-700 dark:text-red-300">
          <span className="sr-only">Problem: </span>
          {problem}
        </p>
      ) : null}
      <dl className="grid grid-cols-2 gap-x-3 gap-y-1 text-xs">
        {status?.map ? (
          <>
            <dt className="text-zinc-500">Map</dt>
            <dd className="font-mono">{status.map}</dd>
          </>
        ) : null}
        <dt className="text-zinc-500">Players</dt>
        <dd className="tabular-nums">
          {players === null ? "—" : status?.maxPlayers ? `${players}/${status.maxPlayers}` : players}
        </dd>
        <dt className="text-zinc-500">Latency</dt>
        <dd className="tabular-nums">{status?.latencyMs != null ? `${status.latencyMs} ms` : "—"}</dd>
        <dt className="text-zinc-500">Last event</dt>
        <dd>{ago(status?.lastEventAt ?? null, now)}</dd>
      </dl>
      <Sparkline points={points} label={`Players over the last ${sampleHours} hours`} />
      {canManage ? (
        <div className="relative z-10 flex gap-2 pt-2">
          <Button variant="secondary" aria-label={`Edit ${server.name}`} onClick={onEdit}>
            Edit
          </Button>
          <Button variant="ghost" aria-label={`Remove ${server.name}`} onClick={onRemove}>
            Remove
          </Button>
        </div>
      ) : null}
    </Card>
  );
}
