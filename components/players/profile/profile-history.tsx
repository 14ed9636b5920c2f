"use client";

/**
 * The read-only parts of a profile: names used, identities (only when the server sent them), stays
 * as a timeline per server, kicks and warnings, and bans with links to the ban table.
 */
import Link from "next/link";
import { IDENTIFIER_LABELS, type IdentifierKind } from "@/lib/bans/identifiers";
import { formatPlayed, stayDuration } from "@/lib/players/format";
import { formatDateTime } from "@/lib/utils";
import type {
  PlayerBanView,
  PlayerIdentityView,
  PlayerNameView,
  PlayerSanctionView,
  PlayerServerView,
} from "@/server/data/players/types";
import { ColouredText } from "@/components/console/coloured-text";
import { TimeAgo } from "@/components/players/time-ago";
import { RECORD_NAME_RULE } from "./types";

export function Section({
  title,
  children,
  count,
}: {
  title: string;
  count?: number;
  children: React.ReactNode;
}) {
  const id = `profile-${title.toLowerCase().replace(/[^a-z]+/g, "-")}`;
  return (
    <section aria-labelledby={id} className="space-y-2">
      <h3 id={id} className="text-sm font-semibold uppercase tracking-wide text-zinc-600 dark:text-zinc-400">
        {title}
        {count !== undefined ? <span className="ml-1 font-normal">({count})</span> : null}
      </h3>
      {children}
    </section>
  );
}

const When = TimeAgo;

export function NamesSection({ names, now }: { names: PlayerNameView[]; now: number }) {
  return (
    <Section title="Names used" count={names.length}>
      {names.length === 0 ? (
        <p className="text-sm text-zinc-500">No names kept.</p>
      ) : (
        <ul className="divide-y divide-zinc-100 text-sm dark:divide-zinc-800">
          {names.map((name) => (
            <li
              key={`${name.display}:${name.firstSeenAt}`}
              className="flex flex-wrap items-baseline justify-between gap-2 py-1"
            >
              <ColouredText text={name.display} rule={RECORD_NAME_RULE} />
              <span className="text-xs text-zinc-500">
                {name.timesSeen}× · last <When at={name.lastSeenAt} now={now} />
              </span>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

function identityLabel(kind: string): string {
  return IDENTIFIER_LABELS[kind as IdentifierKind] ?? kind;
}

/** Rendered only for identity readers: for everyone else the server sends null and nothing shows. */
export function IdentitiesSection({ identities, now }: { identities: PlayerIdentityView[]; now: number }) {
  return (
    <Section title="Identities" count={identities.length}>
      <ul className="divide-y divide-zinc-100 text-sm dark:divide-zinc-800">
        {identities.map((identity) => (
          <li key={`${identity.kind}:${identity.value}`} className="py-1">
            <div className="flex flex-wrap items-baseline justify-between gap-2">
              <span>
                <span className="text-xs text-zinc-500">{identityLabel(identity.kind)}</span>{" "}
                <span className="break-all font-mono text-xs">{identity.value}</span>
              </span>
              <span className="text-xs text-zinc-500">
                {identity.timesSeen}× · last <When at={identity.lastSeenAt} now={now} />
              </span>
            </div>
            {identity.servers.length > 0 ? (
              <p className="text-xs text-zinc-500">
                Seen on {identity.servers.map((s) => s.serverName).join(", ")}
              </p>
            ) : null}
          </li>
        ))}
      </ul>
    </Section>
  );
}

const SHOWN_STAYS = 8;

/**
 * One strip per server: each stay a bar placed by time between the oldest stay shown and now, so
 * regular evenings or one long session read at a glance; the list under it gives exact times.
 */
function StayStrip({ server, now }: { server: PlayerServerView; now: number }) {
  const stays = server.stays.slice(0, 50);
  if (stays.length === 0) return null;
  const start = Math.min(...stays.map((s) => Date.parse(s.joinedAt)));
  const span = Math.max(1, now - start);
  return (
    <div
      aria-hidden="true"
      className="relative h-3 w-full overflow-hidden rounded bg-zinc-100 dark:bg-zinc-800"
    >
      {stays.map((stay) => {
        const left = ((Date.parse(stay.joinedAt) - start) / span) * 100;
        const width = Math.max(0.5, ((stayDuration(stay, now) * 1000) / span) * 100);
        return (
          // Placed against the browser's clock, a moment after the server's: may differ at hydration.
          <span
            key={stay.id}
            suppressHydrationWarning
            className="absolute inset-y-0 rounded-sm bg-indigo-500"
            style={{ left: `${left}%`, width: `${Math.min(width, 100 - left)}%` }}
          />
        );
      })}
    </div>
  );
}

export function StaysSection({
  servers,
  totals,
  now,
}: {
  servers: PlayerServerView[];
  totals: { staysCount: number; secondsPlayed: number };
  now: number;
}) {
  return (
    <Section title="Stays" count={totals.staysCount}>
      {servers.length === 0 ? (
        <p className="text-sm text-zinc-500">No stays on the servers you can see.</p>
      ) : null}
      <ul className="space-y-3">
        {servers.map((server) => (
          <li
            key={server.serverId}
            className="space-y-1 text-sm"
            aria-label={`Stays on ${server.serverName}`}
          >
            <div className="flex flex-wrap items-baseline justify-between gap-2">
              <Link
                href={`/servers/${server.serverId}`}
                className="font-medium text-indigo-700 hover:underline dark:text-indigo-300"
              >
                {server.serverName}
              </Link>
              <span className="text-xs text-zinc-500">
                {server.staysCount} {server.staysCount === 1 ? "stay" : "stays"} ·{" "}
                {formatPlayed(server.secondsPlayed)} played · last <When at={server.lastSeenAt} now={now} />
              </span>
            </div>
            <StayStrip server={server} now={now} />
            <ol className="space-y-0.5 text-xs">
              {server.stays.slice(0, SHOWN_STAYS).map((stay) => (
                <StayRow key={stay.id} stay={stay} now={now} />
              ))}
            </ol>
            {server.stays.length > SHOWN_STAYS ? (
              <details className="text-xs">
                <summary className="cursor-pointer text-indigo-700 dark:text-indigo-300">
                  {server.stays.length - SHOWN_STAYS} earlier stays
                </summary>
                <ol className="mt-1 space-y-0.5">
                  {server.stays.slice(SHOWN_STAYS).map((stay) => (
                    <StayRow key={stay.id} stay={stay} now={now} />
                  ))}
                </ol>
              </details>
            ) : null}
          </li>
        ))}
      </ul>
    </Section>
  );
}

function StayRow({ stay, now }: { stay: PlayerServerView["stays"][number]; now: number }) {
  return (
    <li className="flex flex-wrap justify-between gap-2 tabular-nums">
      <span>
        {formatDateTime(stay.joinedAt)}
        {stay.leftAt ? (
          ""
        ) : (
          <span className="ml-1 font-medium text-emerald-700 dark:text-emerald-400">online</span>
        )}
      </span>
      <span className="text-zinc-500" suppressHydrationWarning>
        {formatPlayed(stayDuration(stay, now))} as <bdi>{stay.name}</bdi>
      </span>
    </li>
  );
}

export function SanctionsSection({ sanctions, now }: { sanctions: PlayerSanctionView[]; now: number }) {
  return (
    <Section title="Kicks & warnings" count={sanctions.length}>
      {sanctions.length === 0 ? (
        <p className="text-sm text-zinc-500">None.</p>
      ) : (
        <ul className="divide-y divide-zinc-100 text-sm dark:divide-zinc-800">
          {sanctions.map((s) => (
            <li key={s.id} className="py-1">
              <span
                className={
                  s.kind === "kick"
                    ? "font-medium text-red-700 dark:text-red-400"
                    : "font-medium text-amber-700 dark:text-amber-400"
                }
              >
                {s.kind === "kick" ? "Kicked" : "Warned"}
              </span>
              {s.serverName ? <> on {s.serverName}</> : null}:{" "}
              {s.reason || <span className="text-zinc-500">no reason</span>}
              <div className="text-xs text-zinc-500">
                <When at={s.createdAt} now={now} />
                {s.authorName ? ` by ${s.authorName}` : ""}
                {s.delivery === "say"
                  ? " · told in a public message naming the player"
                  : s.delivery === "whisper"
                    ? " · told privately"
                    : ""}
              </div>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

const BAN_STATE: Record<PlayerBanView["state"], string> = {
  active: "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-200",
  expired: "bg-zinc-100 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300",
  revoked: "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200",
};

export function BansSection({ bans, now }: { bans: PlayerBanView[]; now: number }) {
  return (
    <Section title="Bans" count={bans.length}>
      {bans.length === 0 ? (
        <p className="text-sm text-zinc-500">None.</p>
      ) : (
        <ul className="divide-y divide-zinc-100 text-sm dark:divide-zinc-800">
          {bans.map((ban) => (
            <li key={ban.banId} className="flex flex-wrap items-baseline justify-between gap-2 py-1">
              <span>
                <span className={`mr-2 rounded px-1 text-xs ${BAN_STATE[ban.state]}`}>{ban.state}</span>
                {ban.reason}
              </span>
              <span className="text-xs text-zinc-500">
                <When at={ban.createdAt} now={now} />
                {ban.expiresAt ? ` · until ${formatDateTime(ban.expiresAt)}` : " · permanent"} ·{" "}
                <Link href={ban.href} className="text-indigo-700 underline dark:text-indigo-300">
                  In the ban table
                </Link>
              </span>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}
