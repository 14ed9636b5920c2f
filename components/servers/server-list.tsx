"use client";

import { useState } from "react";
import type { FormAction } from "@/components/forms/types";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Dialog } from "@/components/ui/dialog";
import { PROTOCOL_LABELS, type GamePreset, type ProtocolName } from "@/lib/games";
import type { ServerDto } from "@/server/data/servers";
import { DeleteServerForm, ServerForm } from "./server-form";

interface Props {
  servers: ServerDto[];
  presets: readonly GamePreset[];
  canManage: boolean;
  actions: { create: FormAction<ServerDto>; update: FormAction<ServerDto>; remove: FormAction<{ id: string }> };
}

type Editing = { mode: "add" } | { mode: "edit"; server: ServerDto } | { mode: "remove"; server: ServerDto } | null;

export function ServerList({ servers, presets, canManage, actions }: Props) {
  const [editing, setEditing] = useState<Editing>(null);
  const close = () => setEditing(null);
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-4">
        <h1 className="text-2xl font-semibold">Servers</h1>
        {canManage ? <Button onClick={() => setEditing({ mode: "add" })}>Add server</Button> : null}
      </div>
      {servers.length === 0 ? (
        <Card>
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            No game servers yet.{canManage ? " Add one to start." : " Ask an Owner or Admin to add one."}
          </p>
        </Card>
      ) : (
        <ul className="grid gap-4 sm:grid-cols-2 xl:grid-cols-3" aria-label="Game servers">
          {servers.map((server) => (
            <li key={server.id}>
              <Card className="space-y-2">
                <div className="flex items-start justify-between gap-2">
                  <h2 className="font-semibold">{server.name}</h2>
                  <span className="rounded bg-zinc-100 px-2 py-0.5 text-xs dark:bg-zinc-800">{server.enabled ? "enabled" : "disabled"}</span>
                </div>
                <p className="text-sm text-zinc-600 dark:text-zinc-400">
                  {server.gameLabel} · {PROTOCOL_LABELS[server.protocol as ProtocolName] ?? server.protocol}
                </p>
                <p className="font-mono text-xs text-zinc-500">
                  {server.host}:{server.port}
                </p>
                {canManage ? (
                  <div className="flex gap-2 pt-2">
                    <Button variant="secondary" aria-label={`Edit ${server.name}`} onClick={() => setEditing({ mode: "edit", server })}>
                      Edit
                    </Button>
                    <Button variant="ghost" aria-label={`Remove ${server.name}`} onClick={() => setEditing({ mode: "remove", server })}>
                      Remove
                    </Button>
                  </div>
                ) : null}
              </Card>
            </li>
          ))}
        </ul>
      )}
      <Dialog open={editing?.mode === "add"} onClose={close} title="Add server">
        {editing?.mode === "add" ? <ServerForm presets={presets} action={actions.create} onDone={close} /> : null}
      </Dialog>
      <Dialog open={editing?.mode === "edit"} onClose={close} title="Edit server">
        {editing?.mode === "edit" ? <ServerForm presets={presets} server={editing.server} action={actions.update} onDone={close} /> : null}
      </Dialog>
      <Dialog open={editing?.mode === "remove"} onClose={close} title="Remove server">
        {editing?.mode === "remove" ? <DeleteServerForm server={editing.server} action={actions.remove} onDone={close} /> : null}
      </Dialog>
    </div>
  );
}
