"use client";

/**
 * The Bans table: one row per central ban, with identifiers only when the server sent them (it
 * leaves them out for Viewers), the per-server sync state, and row actions for the roles that may.
 * The server decides every action again; buttons only appear where it would allow them.
 */
import { useCallback, useState } from "react";
import type { FormAction } from "@/components/forms/types";
import { useNow } from "@/components/realtime/use-now";
import { Button } from "@/components/ui/button";
import { expiryTimes } from "@/lib/bans/duration";
import { IDENTIFIER_LABELS } from "@/lib/bans/identifiers";
import { formatDateTime } from "@/lib/utils";
import { PlayerNameButton } from "@/components/players/profile/player-name-button";
import type { BanSyncView, BulkRevokeResult } from "@/server/data/ban-page";
import type { BanDto } from "@/server/data/bans";
import { BulkRevoke } from "./bulk-revoke";
import { EditBanDialog } from "./edit-ban-dialog";
import { banTitle, expiryText, scopeText } from "./format";
import { RevokeBanDialog } from "./revoke-ban-dialog";
import type { BanPermissions, NamedRef } from "./types";

interface Props {
  bans: BanDto[];
  syncs: Record<string, BanSyncView[]>;
  servers: NamedRef[];
  lists: NamedRef[];
  showIdentifiers: boolean;
  permissions: BanPermissions;
  actions: {
    revoke: FormAction<{ id: string }>;
    update: FormAction<{ id: string }>;
    bulkRevoke: FormAction<BulkRevokeResult>;
  };
}

const STATE_STYLE: Record<string, string> = {
  active: "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-200",
  expired: "bg-zinc-100 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300",
  revoked: "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200",
};

export function BanTable({ bans, syncs, servers, lists, showIdentifiers, permissions, actions }: Props) {
  const now = useNow(30_000, expiryTimes(bans));
  const [selected, setSelected] = useState<ReadonlySet<string>>(() => new Set());
  const [revoking, setRevoking] = useState<{ id: string; title: string } | null>(null);
  const [editing, setEditing] = useState<BanDto | null>(null);
  const closeRevoke = useCallback(() => setRevoking(null), []);
  const closeEdit = useCallback(() => setEditing(null), []);
  const clearSelection = useCallback(() => setSelected(new Set()), []);
  const mayChange = (ban: BanDto) =>
    ban.state !== "revoked" &&
    permissions.ban &&
    (permissions.manage || ban.authorId === permissions.actorId);
  const selectable = bans.filter(mayChange);
  const serverName = (id: string) => servers.find((s) => s.id === id)?.name ?? "deleted server";
  const toggle = (id: string) =>
    setSelected((s) => (s.has(id) ? new Set([...s].filter((x) => x !== id)) : new Set(s).add(id)));

  return (
    <div className="space-y-2">
      {selected.size > 0 ? (
        <BulkRevoke ids={[...selected]} action={actions.bulkRevoke} onDone={clearSelection} />
      ) : null}
      <div className="overflow-x-auto rounded-lg border border-zinc-200 dark:border-zinc-800">
        <table className="w-full text-left text-sm">
          <caption className="sr-only">Bans</caption>
          <thead className="border-b border-zinc-200 text-xs uppercase text-zinc-500 dark:border-zinc-800">
            <tr>
              {permissions.ban ? (
                <th scope="col" className="px-3 py-2">
                  <input
                    type="checkbox"
                    aria-label="Select all bans on this page"
                    checked={selectable.length > 0 && selectable.every((b) => selected.has(b.id))}
                    onChange={(e) =>
                      setSelected(e.target.checked ? new Set(selectable.map((b) => b.id)) : new Set())
                    }
                  />
                </th>
              ) : null}
              <th scope="col" className="px-3 py-2">
                Player
              </th>
              {showIdentifiers ? (
                <th scope="col" className="px-3 py-2">
                  Identifiers
                </th>
              ) : null}
              <th scope="col" className="px-3 py-2">
                Reason
              </th>
              <th scope="col" className="px-3 py-2">
                By
              </th>
              <th scope="col" className="px-3 py-2">
                When
              </th>
              <th scope="col" className="px-3 py-2">
                Expires
              </th>
              <th scope="col" className="px-3 py-2">
                Scope
              </th>
              <th scope="col" className="px-3 py-2">
                Servers
              </th>
              {permissions.ban ? (
                <th scope="col" className="px-3 py-2">
                  <span className="sr-only">Actions</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {bans.map((ban) => {
              const title = banTitle(ban);
              return (
                <tr
                  key={ban.id}
                  aria-label={title}
                  className="border-b border-zinc-100 align-top dark:border-zinc-800"
                >
                  {permissions.ban ? (
                    <td className="px-3 py-2">
                      {mayChange(ban) ? (
                        <input
                          type="checkbox"
                          aria-label={`Select ban for ${title}`}
                          checked={selected.has(ban.id)}
                          onChange={() => toggle(ban.id)}
                        />
                      ) : null}
                    </td>
                  ) : null}
                  <td className="px-3 py-2">
                    {ban.playerId && ban.playerNames.length > 0 ? (
                      <PlayerNameButton playerId={ban.playerId}>
                        <bdi>{title}</bdi>
                      </PlayerNameButton>
                    ) : (
                      <bdi>{title}</bdi>
                    )}
                    <span className={`ml-2 rounded px-1 text-xs ${STATE_STYLE[ban.state]}`}>{ban.state}</span>
                  </td>
                  {showIdentifiers ? (
                    <td className="px-3 py-2 font-mono text-xs">
                      {ban.identifiers?.map((i) => (
                        <div key={`${i.kind}:${i.value}`} title={IDENTIFIER_LABELS[i.kind]}>
                          {i.kind}: {i.value}
                        </div>
                      ))}
                    </td>
                  ) : null}
                  <td className="max-w-64 px-3 py-2">
                    {ban.reason}
                    {ban.state === "revoked" && ban.revokeReason ? (
                      <div className="text-xs text-zinc-500">
                        Revoked{ban.revokedByEmail ? ` by ${ban.revokedByEmail}` : ""}: {ban.revokeReason}
                      </div>
                    ) : null}
                  </td>
                  <td className="px-3 py-2">{ban.authorName ?? "—"}</td>
                  <td className="whitespace-nowrap px-3 py-2">{formatDateTime(ban.createdAt)}</td>
                  <td className="whitespace-nowrap px-3 py-2" title={ban.expiresAt ?? "never"}>
                    {expiryText(ban, now)}
                  </td>
                  <td className="px-3 py-2">{scopeText(ban, servers, lists)}</td>
                  <td className="px-3 py-2 text-xs">
                    {(syncs[ban.id] ?? []).map((s) => (
                      <div key={s.serverId} title={s.error ?? undefined}>
                        {serverName(s.serverId)}: {s.state.replace("_", " ")}
                      </div>
                    ))}
                  </td>
                  {permissions.ban ? (
                    <td className="whitespace-nowrap px-3 py-2 text-right">
                      {mayChange(ban) ? (
                        <>
                          <Button
                            variant="ghost"
                            className="px-2 py-1 text-xs"
                            aria-label={`Edit ban for ${title}`}
                            onClick={() => setEditing(ban)}
                          >
                            Edit
                          </Button>
                          <Button
                            variant="ghost"
                            className="px-2 py-1 text-xs text-red-700 dark:text-red-400"
                            aria-label={`Revoke ban for ${title}`}
                            onClick={() => setRevoking({ id: ban.id, title })}
                          >
                            Revoke
                          </Button>
                        </>
                      ) : null}
                    </td>
                  ) : null}
                </tr>
              );
            })}
          </tbody>
        </table>
        {bans.length === 0 ? <p className="p-3 text-sm text-zinc-500">No bans match.</p> : null}
      </div>
      <RevokeBanDialog ban={revoking} action={actions.revoke} onClose={closeRevoke} />
      <EditBanDialog
        ban={editing}
        title={editing ? banTitle(editing) : ""}
        limit={permissions.limit}
        action={actions.update}
        onClose={closeEdit}
      />
    </div>
  );
}
