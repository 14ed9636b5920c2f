import type { ServerStatusMessage } from "@/lib/realtime/contract";

const timeFormat = new Intl.DateTimeFormat(undefined, {
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hour12: false,
});

/**
 * Shown while the game server connection is not online, with the hub's reason; it disappears by
 * itself when a `server:status` reports the connection online again. Online but degraded (the
 * server floods, sends answers that never end or malformed packets) shows the hub's reason too.
 */
export function ConnectionBanner({ status }: { status: ServerStatusMessage | null }) {
  if (status?.state === "online" && status.degraded) {
    return (
      <div
        role="status"
        className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-100"
      >
        The game server misbehaves ({status.degraded}). RconDeck keeps only what fits its budget for this
        server; commands still work.
      </div>
    );
  }
  if (!status || status.state === "online") return null;
  const retry = status.nextRetryAt
    ? ` Next attempt at ${timeFormat.format(new Date(status.nextRetryAt))}.`
    : "";
  const reason = status.reason ? `: ${status.reason}` : ".";
  switch (status.state) {
    case "connecting":
    case "idle":
      return (
        <div
          role="status"
          className="rounded-md bg-zinc-100 px-3 py-2 text-sm text-zinc-800 dark:bg-zinc-800 dark:text-zinc-200"
        >
          Connecting to the game server{status.reason ? ` (${status.reason})` : "…"}
        </div>
      );
    case "auth_failed":
      return (
        <div
          role="alert"
          className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-950 dark:text-red-200"
        >
          The game server refused the RCON password{reason} RconDeck will not retry until the server settings
          change.
        </div>
      );
    case "unreachable":
      return (
        <div
          role="alert"
          className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-100"
        >
          Game server unreachable{reason}
          {retry}
        </div>
      );
    case "disabled":
    case "closed":
      return (
        <div
          role="status"
          className="rounded-md bg-zinc-100 px-3 py-2 text-sm text-zinc-800 dark:bg-zinc-800 dark:text-zinc-200"
        >
          This server is disabled; RconDeck is not connected to it.
        </div>
      );
  }
}
