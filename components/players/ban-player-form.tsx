"use client";

/**
 * The player table's Ban dialog body: duration (presets or typed), a reason template or free text,
 * and the scope (this server, every server, a ban list). The hub stores the ban and its enforcement
 * kicks the player; refusals (the Moderator maximum, a scope out of reach) show in place.
 */
import { ReasonTemplates } from "@/components/players/reason-templates";
import { useState, type FormEvent } from "react";
import type { PlayerView } from "@/lib/realtime/contract";
import type { Result } from "@/lib/result";
import type { BanScopeInput } from "@/lib/schemas/bans";
import { DurationField } from "@/components/bans/duration-field";
import type { NamedRef } from "@/components/bans/types";
import { Button } from "@/components/ui/button";
import { Notice } from "@/components/ui/notice";

export const BAN_REASONS = [
  "Cheating",
  "Breaking the server rules",
  "Offensive language",
  "Griefing",
  "Ban evasion",
] as const;

export interface BanRequest {
  reason: string;
  duration: string;
  target: BanScopeInput;
}

export interface BanOptions {
  serverId: string;
  /** The Moderator maximum ("7 days"), null when unlimited. */
  limit: string | null;
  lists: NamedRef[];
}

interface Props {
  player: PlayerView;
  options: BanOptions;
  onClose: () => void;
  onBan: (player: PlayerView, request: BanRequest) => Promise<Result<{ message: string }>>;
}

type Scope = "server" | "all" | "list";

export function BanPlayerForm({ player, options, onClose, onBan }: Props) {
  const [reason, setReason] = useState<string>(BAN_REASONS[0]);
  const [duration, setDuration] = useState(options.limit ? "1d" : "7d");
  const [scope, setScope] = useState<Scope>("server");
  const [listId, setListId] = useState(options.lists[0]?.id ?? "");
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<{
    message: string;
    fields?: Record<string, string[] | undefined>;
  } | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setPending(true);
    setError(null);
    const target: BanScopeInput =
      scope === "all"
        ? { scope: "all" }
        : scope === "list"
          ? { scope: "list", banListId: listId }
          : { scope: "servers", serverIds: [options.serverId] };
    const result = await onBan(player, { reason: reason.trim(), duration: duration.trim(), target });
    setPending(false);
    if (result.ok) onClose();
    else setError({ message: result.error.message, fields: result.error.fieldErrors });
  }

  return (
    <form onSubmit={(e) => void submit(e)} className="space-y-4">
      {error ? <Notice tone="error">{error.message}</Notice> : null}
      <DurationField
        value={duration}
        onChange={setDuration}
        limit={options.limit}
        error={error?.fields?.duration}
      />
      <ReasonTemplates templates={BAN_REASONS} reason={reason} onPick={setReason} />
      <div className="space-y-1">
        <label htmlFor="ban-reason" className="block text-sm font-medium">
          Reason
        </label>
        <input
          id="ban-reason"
          value={reason}
          maxLength={200}
          onChange={(e) => setReason(e.target.value)}
          className="block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm dark:border-zinc-700 dark:bg-zinc-900"
        />
        {error?.fields?.reason ? (
          <p className="text-xs text-red-600 dark:text-red-400">{error.fields.reason.join(" ")}</p>
        ) : null}
      </div>
      <fieldset className="space-y-1 text-sm">
        <legend className="font-medium">Scope</legend>
        {(
          [
            ["server", "This server"],
            ["all", "All servers"],
            ...(options.lists.length > 0 ? [["list", "A ban list"] as const] : []),
          ] as const
        ).map(([value, label]) => (
          <label key={value} className="mr-4 inline-flex items-center gap-1">
            <input
              type="radio"
              name="ban-scope"
              value={value}
              checked={scope === value}
              onChange={() => setScope(value)}
            />
            {label}
          </label>
        ))}
        {scope === "list" ? (
          <select
            aria-label="Ban list"
            value={listId}
            onChange={(e) => setListId(e.target.value)}
            className="mt-1 block rounded-md border border-zinc-300 px-2 py-1 dark:border-zinc-700 dark:bg-zinc-900"
          >
            {options.lists.map((l) => (
              <option key={l.id} value={l.id}>
                {l.name}
              </option>
            ))}
          </select>
        ) : null}
      </fieldset>
      <p className="text-sm">
        Ban{" "}
        <strong>
          <bdi>{player.plainName}</bdi>
        </strong>
        ? The player is kicked now and on every join while the ban lasts.
      </p>
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onClose}>
          Cancel
        </Button>
        <Button type="submit" variant="danger" disabled={pending}>
          {pending ? "Banning…" : "Ban"}
        </Button>
      </div>
    </form>
  );
}
