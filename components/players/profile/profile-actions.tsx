"use client";

/**
 * What staff can do from a profile: Message, Warn and Kick on each server the player is on now
 * (the live socket events, through the player table's dialog), Ban (a central ban from the
 * record's identities, also while offline) and Erase (Owners). Buttons follow `profile.can`; the
 * server checks every action again.
 */
import { ReasonTemplates } from "@/components/players/reason-templates";
import { useState } from "react";
import type { Result } from "@/lib/result";
import type { PlayerOnlineView, PlayerProfile } from "@/server/data/players/types";
import { DurationField } from "@/components/bans/duration-field";
import { BAN_REASONS } from "@/components/players/ban-player-form";
import { PlayerActionDialog, type PlayerAction } from "@/components/players/player-action-dialog";
import { EnsureRealtime, useRealtime } from "@/components/realtime/realtime-provider";
import { request } from "@/components/realtime/request";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Notice } from "@/components/ui/notice";
import { Section } from "./profile-history";
import type { ProfileActions } from "./types";
import { useRecordAction } from "./use-record-action";

interface Props {
  profile: PlayerProfile;
  actions: ProfileActions | null;
  plainName: string;
  onChanged: () => void;
}

export function ActionsSection({ profile, actions, plainName, onChanged }: Props) {
  const [dialog, setDialog] = useState<"ban" | "erase" | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const live = profile.online.length > 0 && (profile.can.message || profile.can.warn || profile.can.kick);
  const ban = profile.can.ban && actions !== null && !profile.erased;
  const erase = profile.can.erase && actions !== null && !profile.erased;
  if (!live && !ban && !erase) return null;
  return (
    <Section title="Actions">
      {done ? <Notice tone="success">{done}</Notice> : null}
      {live ? (
        <EnsureRealtime>
          <OnlineActions
            profile={profile}
            plainName={plainName}
            onDone={(text) => (setDone(text), onChanged())}
          />
        </EnsureRealtime>
      ) : null}
      {profile.online.length === 0 ? (
        <p className="text-sm text-zinc-500">Offline: Message, Warn and Kick need the player on a server.</p>
      ) : null}
      <div className="flex flex-wrap gap-2">
        {ban ? (
          <Button variant="danger" onClick={() => setDialog("ban")}>
            Ban…
          </Button>
        ) : null}
        {erase ? (
          <Button
            variant="secondary"
            className="text-red-700 dark:text-red-400"
            onClick={() => setDialog("erase")}
          >
            Erase player…
          </Button>
        ) : null}
      </div>
      {actions ? (
        <>
          <Dialog open={dialog === "ban"} onClose={() => setDialog(null)} title={`Ban ${plainName}`}>
            {dialog === "ban" ? (
              <BanRecordForm
                profile={profile}
                action={actions.ban}
                onClose={() => setDialog(null)}
                onDone={() => (setDone(`Banned ${plainName}.`), onChanged())}
              />
            ) : null}
          </Dialog>
          <Dialog open={dialog === "erase"} onClose={() => setDialog(null)} title={`Erase ${plainName}`}>
            {dialog === "erase" ? (
              <EraseForm
                profile={profile}
                action={actions.erase}
                onClose={() => setDialog(null)}
                onDone={onChanged}
              />
            ) : null}
          </Dialog>
        </>
      ) : null}
    </Section>
  );
}

function OnlineActions({
  profile,
  plainName,
  onDone,
}: {
  profile: PlayerProfile;
  plainName: string;
  onDone: (text: string) => void;
}) {
  const { socket } = useRealtime();
  const [action, setAction] = useState<PlayerAction | null>(null);
  const [where, setWhere] = useState<PlayerOnlineView | null>(null);

  const open = (kind: "message" | "warn" | "kick", online: PlayerOnlineView) => {
    setWhere(online);
    setAction({ kind, player: { id: online.playerRef, plainName, serverName: online.serverName } });
  };

  async function run(current: PlayerAction, text: string): Promise<Result<{ message: string }>> {
    if (!where) return { ok: false, error: { code: "INVALID_INPUT", message: "Choose a server." } };
    const base = { serverId: where.serverId, playerId: current.player.id };
    const outcome =
      current.kind === "message"
        ? await request(socket, "players:message", { ...base, message: text })
        : current.kind === "warn"
          ? await request(socket, "players:warn", { ...base, reason: text })
          : await request(socket, "players:kick", { ...base, reason: text });
    if (outcome.ok)
      onDone(
        outcome.data.message ||
          `${current.kind === "message" ? "Messaged" : current.kind === "warn" ? "Warned" : "Kicked"} ${plainName}.`,
      );
    return outcome;
  }

  return (
    <>
      <ul className="space-y-1 text-sm">
        {profile.online.map((online) => (
          <li
            key={online.serverId}
            className="flex flex-wrap items-center justify-between gap-2 rounded-md bg-emerald-50 px-2 py-1 dark:bg-emerald-950"
          >
            <span>
              <span aria-hidden="true" className="mr-1 inline-block h-2 w-2 rounded-full bg-emerald-500" />
              Online on <bdi>{online.serverName}</bdi>
            </span>
            <span className="flex gap-1">
              {profile.can.message ? (
                <Button
                  variant="ghost"
                  className="px-2 py-1 text-xs"
                  aria-label={`Message ${plainName} on ${online.serverName}`}
                  onClick={() => open("message", online)}
                >
                  Message
                </Button>
              ) : null}
              {profile.can.warn ? (
                <Button
                  variant="ghost"
                  className="px-2 py-1 text-xs text-amber-700 dark:text-amber-400"
                  aria-label={`Warn ${plainName} on ${online.serverName}`}
                  onClick={() => open("warn", online)}
                >
                  Warn
                </Button>
              ) : null}
              {profile.can.kick ? (
                <Button
                  variant="ghost"
                  className="px-2 py-1 text-xs text-red-700 dark:text-red-400"
                  aria-label={`Kick ${plainName} on ${online.serverName}`}
                  onClick={() => open("kick", online)}
                >
                  Kick
                </Button>
              ) : null}
            </span>
          </li>
        ))}
      </ul>
      {/* The game's whisper support is not known here; the warn dialog explains both ways. */}
      <PlayerActionDialog action={action} whisper onClose={() => setAction(null)} onRun={run} />
    </>
  );
}

function BanRecordForm({
  profile,
  action,
  onClose,
  onDone,
}: {
  profile: PlayerProfile;
  action: ProfileActions["ban"];
  onClose: () => void;
  onDone: () => void;
}) {
  const [duration, setDuration] = useState("1d");
  const [reason, setReason] = useState<string>(BAN_REASONS[0]);
  const [scope, setScope] = useState<"all" | "servers">("servers");
  const ban = useRecordAction(action, () => {
    onClose();
    onDone();
  });
  const errors = ban.fieldErrors;
  return (
    <form onSubmit={ban.onSubmit} className="space-y-4">
      {ban.error ? <Notice tone="error">{ban.error.message}</Notice> : null}
      <input type="hidden" name="playerId" value={profile.playerId} />
      <DurationField value={duration} onChange={setDuration} limit={null} error={errors?.duration} />
      <ReasonTemplates templates={BAN_REASONS} reason={reason} onPick={setReason} />
      <div className="space-y-1">
        <label htmlFor="record-ban-reason" className="block text-sm font-medium">
          Reason
        </label>
        <input
          id="record-ban-reason"
          name="reason"
          value={reason}
          maxLength={200}
          onChange={(e) => setReason(e.target.value)}
          className="block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm dark:border-zinc-700 dark:bg-zinc-900"
        />
        {errors?.reason ? (
          <p className="text-xs text-red-600 dark:text-red-400">{errors.reason.join(" ")}</p>
        ) : null}
      </div>
      <fieldset className="space-y-1 text-sm">
        <legend className="font-medium">Scope</legend>
        <label className="mr-4 inline-flex items-center gap-1">
          <input
            type="radio"
            name="scope"
            value="servers"
            checked={scope === "servers"}
            onChange={() => setScope("servers")}
          />
          Servers where seen
        </label>
        <label className="inline-flex items-center gap-1">
          <input
            type="radio"
            name="scope"
            value="all"
            checked={scope === "all"}
            onChange={() => setScope("all")}
          />
          All servers
        </label>
        {scope === "servers" ? (
          <div role="group" aria-label="Servers" className="mt-1 flex flex-wrap gap-3">
            {profile.servers.map((s) => (
              <label key={s.serverId} className="inline-flex items-center gap-1">
                <input type="checkbox" name="serverIds" value={s.serverId} defaultChecked />
                {s.serverName}
              </label>
            ))}
          </div>
        ) : null}
        {errors?.serverIds || errors?.scope ? (
          <p className="text-xs text-red-600 dark:text-red-400">
            {[...(errors.serverIds ?? []), ...(errors.scope ?? [])].join(" ")}
          </p>
        ) : null}
      </fieldset>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="includeAddress" />
        Also ban the last IP address seen (shared addresses may hit other players)
      </label>
      <p className="text-sm">
        The ban covers the certain identities on this profile; a player who is online is kicked, and kicked
        again on every join while it lasts.
      </p>
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onClose}>
          Cancel
        </Button>
        <Button type="submit" variant="danger" disabled={ban.pending}>
          {ban.pending ? "Banning…" : "Ban"}
        </Button>
      </div>
    </form>
  );
}

function EraseForm({
  profile,
  action,
  onClose,
  onDone,
}: {
  profile: PlayerProfile;
  action: ProfileActions["erase"];
  onClose: () => void;
  onDone: () => void;
}) {
  const [confirm, setConfirm] = useState("");
  const erase = useRecordAction(action, () => {
    onClose();
    onDone();
  });
  return (
    <form onSubmit={erase.onSubmit} className="space-y-4">
      {erase.error ? <Notice tone="error">{erase.error.message}</Notice> : null}
      <input type="hidden" name="playerId" value={profile.playerId} />
      <p className="text-sm">
        For a player who asked to be forgotten: the names, identities and notes on this profile are deleted
        for good. Anonymous counts (stays, time played) stay. Bans are kept, with their own identifiers, so a
        banned player stays banned.
      </p>
      <div className="space-y-1">
        <label htmlFor="erase-confirm" className="block text-sm font-medium">
          Type ERASE to confirm
        </label>
        <input
          id="erase-confirm"
          name="confirm"
          value={confirm}
          autoComplete="off"
          onChange={(e) => setConfirm(e.target.value)}
          className="block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm dark:border-zinc-700 dark:bg-zinc-900"
        />
        {erase.fieldErrors?.confirm ? (
          <p className="text-xs text-red-600 dark:text-red-400">{erase.fieldErrors.confirm.join(" ")}</p>
        ) : null}
      </div>
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onClose}>
          Cancel
        </Button>
        <Button type="submit" variant="danger" disabled={erase.pending || confirm !== "ERASE"}>
          Erase player
        </Button>
      </div>
    </form>
  );
}
