"use client";

/**
 * Asks for a kick or warning reason (a template or free text) or a message, confirms, runs it
 * through the socket and shows the server's refusal in place; on success the dialog closes and the
 * caller (the player table, a player profile) shows the result.
 */
import { ReasonTemplates } from "./reason-templates";
import { useState, type FormEvent } from "react";
import type { PlayerView } from "@/lib/realtime/contract";
import type { Result } from "@/lib/result";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Notice } from "@/components/ui/notice";
import { BanPlayerForm, type BanOptions, type BanRequest } from "./ban-player-form";

/** Who an action is for: a live table row, or a profile's player on one server (id = its playerRef). */
export interface ActionTarget {
  id: string;
  plainName: string;
  /** Set where the player is not shown by a game id (a profile names the server instead). */
  serverName?: string;
}

export type PlayerAction =
  { kind: "kick" | "message" | "warn"; player: ActionTarget } | { kind: "ban"; player: PlayerView };

export const KICK_REASONS = [
  "Breaking the server rules",
  "Cheating",
  "Offensive language",
  "Team killing",
  "AFK",
  "High ping",
] as const;
export const WARN_REASONS = [
  "Mind the server rules",
  "Offensive language",
  "Team killing",
  "Spawn camping",
  "Mic spam",
] as const;

interface Props {
  action: PlayerAction | null;
  whisper: boolean;
  onClose: () => void;
  onRun: (action: PlayerAction, text: string) => Promise<Result<{ message: string }>>;
  /** Present when the user may ban (players.ban on this server). */
  ban?: {
    options: BanOptions;
    onBan: (player: PlayerView, request: BanRequest) => Promise<Result<{ message: string }>>;
  };
}

const VERBS = { kick: "Kick", message: "Message", warn: "Warn", ban: "Ban" } as const;

export function PlayerActionDialog({ action, whisper, onClose, onRun, ban }: Props) {
  const title = action ? `${VERBS[action.kind]} ${action.player.plainName}` : "Player";
  return (
    <Dialog open={action !== null} onClose={onClose} title={title}>
      {action?.kind === "ban" && ban ? (
        <BanPlayerForm
          key={`ban:${action.player.id}`}
          player={action.player}
          options={ban.options}
          onClose={onClose}
          onBan={ban.onBan}
        />
      ) : null}
      {action && action.kind !== "ban" ? (
        <ActionForm
          key={`${action.kind}:${action.player.id}`}
          action={action}
          whisper={whisper}
          onClose={onClose}
          onRun={onRun}
        />
      ) : null}
    </Dialog>
  );
}

function ActionForm({ action, whisper, onClose, onRun }: Props & { action: PlayerAction }) {
  const isKick = action.kind === "kick";
  const isWarn = action.kind === "warn";
  const reasons = isKick ? KICK_REASONS : isWarn ? WARN_REASONS : null;
  const serverName = action.kind === "ban" ? undefined : action.player.serverName;
  const [text, setText] = useState<string>(reasons ? reasons[0] : "");
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (text.trim() === "" && !isKick) {
      setError(isWarn ? "Write a reason." : "Write a message.");
      return;
    }
    setPending(true);
    setError(null);
    const result = await onRun(action, text.trim());
    setPending(false);
    if (result.ok) onClose();
    else setError(result.error.message);
  }

  return (
    <form onSubmit={(e) => void submit(e)} className="space-y-4">
      {error ? <Notice tone="error">{error}</Notice> : null}
      {reasons ? (
        <>
          <ReasonTemplates templates={reasons} reason={text} onPick={setText} />
          <div className="space-y-1">
            <label htmlFor={`${action.kind}-reason`} className="block text-sm font-medium">
              Reason
            </label>
            <input
              id={`${action.kind}-reason`}
              value={text}
              maxLength={200}
              onChange={(e) => setText(e.target.value)}
              className="block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm dark:border-zinc-700 dark:bg-zinc-900"
            />
            <p className="text-xs text-zinc-500">
              {isWarn
                ? "The player is told in game (privately where the game allows, otherwise in a message naming them) and the warning is kept on the profile."
                : "The player sees this reason."}{" "}
              It is also written to the audit log.
            </p>
          </div>
          <p className="text-sm">
            {VERBS[action.kind]}{" "}
            <strong>
              <bdi>{action.player.plainName}</bdi>
            </strong>{" "}
            {serverName !== undefined ? (
              <>
                on <bdi>{serverName}</bdi>
              </>
            ) : (
              <>(#{action.player.id})</>
            )}
            {isKick ? " from the server?" : "?"}
          </p>
        </>
      ) : (
        <div className="space-y-1">
          <label htmlFor="player-message" className="block text-sm font-medium">
            Message
          </label>
          <textarea
            id="player-message"
            value={text}
            maxLength={200}
            rows={3}
            onChange={(e) => setText(e.target.value)}
            className="block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm dark:border-zinc-700 dark:bg-zinc-900"
          />
          {!whisper ? (
            <p className="text-xs text-zinc-500">
              This game has no private messages: everyone on the server sees it.
            </p>
          ) : null}
        </div>
      )}
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onClose}>
          Cancel
        </Button>
        <Button type="submit" variant={isKick ? "danger" : "primary"} disabled={pending}>
          {pending
            ? isKick
              ? "Kicking…"
              : isWarn
                ? "Warning…"
                : "Sending…"
            : isKick
              ? "Kick player"
              : isWarn
                ? "Warn player"
                : "Send message"}
        </Button>
      </div>
    </form>
  );
}
