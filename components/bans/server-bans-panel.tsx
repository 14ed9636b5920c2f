"use client";

/**
 * "Bans on this server" on a server's page: the central bans in scope with their sync state there,
 * and the game's native-only bans (drift) with Adopt / Remove for those who may manage bans.
 * The data arrives already narrowed (no identifiers for Viewers); the actions check again.
 */
import { useRouter } from "next/navigation";
import { expiryText } from "@/components/bans/format";
import { NativeOnlyBans } from "@/components/bans/native-only-bans";
import { useNow } from "@/components/realtime/use-now";
import type { FormAction } from "@/components/forms/types";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { expiryTimes } from "@/lib/bans/duration";
import { formatDateTime } from "@/lib/utils";
import type { NativeOnlyBanDto } from "@/server/data/ban-drift";
import type { ServerBanDto } from "@/server/data/server-bans";

export const SYNC_LABELS: Record<string, string> = {
  none: "not synced yet",
  pending: "pending",
  applied: "applied natively",
  join_only: "enforced on join only",
  failed: "failed",
  removed: "removed",
};

interface Props {
  bans: ServerBanDto[];
  nativeOnly: NativeOnlyBanDto[];
  manage: boolean;
  actions: { adopt: FormAction<{ id: string }>; remove: FormAction<{ id: string }> };
}

export function ServerBansPanel({ bans, nativeOnly, manage, actions }: Props) {
  const router = useRouter();
  const now = useNow(30_000, expiryTimes(bans));
  return (
    <Card aria-labelledby="server-bans-heading" role="region" className="space-y-4">
      <div className="flex items-center justify-between">
        <h2 id="server-bans-heading" className="text-lg font-semibold">
          Bans on this server
        </h2>
        <Button variant="secondary" className="px-2 py-1 text-xs" onClick={() => router.refresh()}>
          Refresh bans
        </Button>
      </div>
      <div className="overflow-x-auto">
        <table aria-label="Bans in scope on this server" className="w-full text-left text-sm">
          <thead className="border-b border-zinc-200 text-xs uppercase text-zinc-500 dark:border-zinc-800">
            <tr>
              <th scope="col" className="px-3 py-2">
                Player
              </th>
              <th scope="col" className="px-3 py-2">
                Reason
              </th>
              <th scope="col" className="px-3 py-2">
                Expires
              </th>
              <th scope="col" className="px-3 py-2">
                On this server
              </th>
              <th scope="col" className="px-3 py-2">
                Last verified
              </th>
            </tr>
          </thead>
          <tbody>
            {bans.map((ban) => {
              const title = ban.playerNames[0] ?? ban.identifiers?.[0]?.value ?? `ban ${ban.id.slice(-6)}`;
              return (
                <tr
                  key={ban.id}
                  aria-label={title}
                  className="border-b border-zinc-100 align-top dark:border-zinc-800"
                >
                  <td className="px-3 py-2">
                    <bdi>{title}</bdi>
                    {ban.identifiers?.map((i) => (
                      <div key={`${i.kind}:${i.value}`} className="font-mono text-xs text-zinc-500">
                        {i.kind}: {i.value}
                      </div>
                    ))}
                  </td>
                  <td className="max-w-64 px-3 py-2">{ban.reason}</td>
                  <td className="whitespace-nowrap px-3 py-2">{expiryText(ban, now)}</td>
                  <td className="px-3 py-2" title={ban.sync.error ?? undefined}>
                    {SYNC_LABELS[ban.sync.state] ?? ban.sync.state}
                    {ban.sync.error ? (
                      <div className="text-xs text-red-700 dark:text-red-400">{ban.sync.error}</div>
                    ) : null}
                  </td>
                  <td className="whitespace-nowrap px-3 py-2">
                    {ban.sync.lastVerifiedAt ? formatDateTime(ban.sync.lastVerifiedAt) : "—"}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {bans.length === 0 ? <p className="p-3 text-sm text-zinc-500">No central bans apply here.</p> : null}
      </div>
      <NativeOnlyBans rows={nativeOnly} manage={manage} actions={actions} />
    </Card>
  );
}
