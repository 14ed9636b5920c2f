"use client";

/**
 * Possible same persons (each with the reason the server gives, and Merge for players.merge) and
 * the players merged into this one (Split). Both ask before acting; both are reversible.
 */
import Link from "next/link";
import { useState } from "react";
import type { PlayerProfile } from "@/server/data/players/types";
import { ColouredText } from "@/components/console/coloured-text";
import { TimeAgo } from "@/components/players/time-ago";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Notice } from "@/components/ui/notice";
import { Section } from "./profile-history";
import { RECORD_NAME_RULE, type ProfileActions } from "./types";
import { formData, useRecordAction } from "./use-record-action";

interface Props {
  profile: PlayerProfile;
  actions: ProfileActions | null;
  now: number;
  onChanged: () => void;
}

type Pending = { kind: "merge" | "split"; playerId: string; name: string } | null;

export function LinkedPlayersSection({ profile, actions, now, onChanged }: Props) {
  const [pending, setPending] = useState<Pending>(null);
  const mayMerge = profile.can.merge && actions !== null;
  if (profile.suggestions.length === 0 && profile.merged.length === 0) return null;
  return (
    <>
      {profile.suggestions.length > 0 ? (
        <Section title="Possible same persons" count={profile.suggestions.length}>
          <ul className="divide-y divide-zinc-100 text-sm dark:divide-zinc-800">
            {profile.suggestions.map((s) => (
              <li key={s.playerId} className="flex flex-wrap items-center justify-between gap-2 py-1">
                <span>
                  <Link
                    href={`/players/${s.playerId}`}
                    className="font-medium text-indigo-700 hover:underline dark:text-indigo-300"
                  >
                    <ColouredText text={s.name} rule={RECORD_NAME_RULE} />
                  </Link>
                  <span className="block text-xs text-zinc-500">
                    {s.reason} · <TimeAgo at={s.lastSeenAt} now={now} prefix="last seen " />
                  </span>
                </span>
                {mayMerge ? (
                  <Button
                    variant="secondary"
                    className="px-2 py-1 text-xs"
                    onClick={() => setPending({ kind: "merge", playerId: s.playerId, name: s.name })}
                  >
                    Merge
                  </Button>
                ) : null}
              </li>
            ))}
          </ul>
        </Section>
      ) : null}
      {profile.merged.length > 0 ? (
        <Section title="Merged players" count={profile.merged.length}>
          <ul className="divide-y divide-zinc-100 text-sm dark:divide-zinc-800">
            {profile.merged.map((m) => (
              <li key={m.playerId} className="flex flex-wrap items-center justify-between gap-2 py-1">
                <span>
                  <ColouredText text={m.name} rule={RECORD_NAME_RULE} />
                  <span className="ml-2 text-xs text-zinc-500">
                    <TimeAgo at={m.mergedAt} now={now} prefix="merged " />
                  </span>
                </span>
                {mayMerge ? (
                  <Button
                    variant="secondary"
                    className="px-2 py-1 text-xs"
                    onClick={() => setPending({ kind: "split", playerId: m.playerId, name: m.name })}
                  >
                    Split
                  </Button>
                ) : null}
              </li>
            ))}
          </ul>
        </Section>
      ) : null}
      {actions ? (
        <ConfirmLinkDialog
          pending={pending}
          intoId={profile.playerId}
          intoName={profile.name}
          actions={actions}
          onClose={() => setPending(null)}
          onChanged={onChanged}
        />
      ) : null}
    </>
  );
}

function ConfirmLinkDialog({
  pending,
  intoId,
  intoName,
  actions,
  onClose,
  onChanged,
}: {
  pending: Pending;
  intoId: string;
  intoName: string;
  actions: ProfileActions;
  onClose: () => void;
  onChanged: () => void;
}) {
  const isMerge = pending?.kind === "merge";
  const run = useRecordAction(isMerge ? actions.merge : actions.split, () => {
    onClose();
    onChanged();
  });
  const title = pending ? `${isMerge ? "Merge" : "Split"} ${pending.name}` : "Player";
  return (
    <Dialog open={pending !== null} onClose={onClose} title={title}>
      {run.error ? <Notice tone="error">{run.error.message}</Notice> : null}
      <p className="text-sm">
        {isMerge ? (
          <>
            Merge <bdi>{pending?.name}</bdi> into <bdi>{intoName}</bdi>? Names, identities, stays, notes and
            sanctions become one profile. It can be split again, and the audit log records it.
          </>
        ) : (
          <>
            Split <bdi>{pending?.name}</bdi> off <bdi>{intoName}</bdi>? It becomes a profile of its own again
            with what it brought in.
          </>
        )}
      </p>
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onClose}>
          Cancel
        </Button>
        <Button
          disabled={run.pending || !pending}
          onClick={() =>
            pending &&
            run.run(formData(isMerge ? { intoId, fromId: pending.playerId } : { playerId: pending.playerId }))
          }
        >
          {isMerge ? "Merge players" : "Split player"}
        </Button>
      </div>
    </Dialog>
  );
}
