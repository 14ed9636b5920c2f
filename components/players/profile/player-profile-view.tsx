"use client";

/**
 * One player's profile, as the full page (/players/[playerId]) and the drawer opened by clicking a
 * name both show it. Sections appear only with content or with something the user may do; the
 * identities section only when the server sent identities (null for roles without
 * players.identities: nothing rendered, not even a heading).
 */
import { stripColourCodes } from "@/lib/colour-codes";
import { formatPlayed } from "@/lib/players/format";
import type { PlayerProfile } from "@/server/data/players/types";
import { ColouredText } from "@/components/console/coloured-text";
import { TimeAgo } from "@/components/players/time-ago";
import { useNow } from "@/components/realtime/use-now";
import { ActionsSection } from "./profile-actions";
import {
  BansSection,
  IdentitiesSection,
  NamesSection,
  SanctionsSection,
  StaysSection,
} from "./profile-history";
import { LinkedPlayersSection } from "./profile-links";
import { NotesSection, WatchSection } from "./profile-notes";
import { RECORD_NAME_RULE, type ProfileActions } from "./types";

interface Props {
  profile: PlayerProfile;
  /** The record actions; null where none are wired (the profile is then read-only). */
  actions: ProfileActions | null;
  /** Reload the profile after a change (the page refreshes, the drawer fetches again). */
  onChanged: () => void;
  /** The page shows the name as its h1; the drawer's dialog title already names the player. */
  headingLevel: 1 | 2;
}

export function PlayerProfileView({ profile, actions, onChanged, headingLevel }: Props) {
  const now = useNow(30_000);
  const plainName = stripColourCodes(profile.name, RECORD_NAME_RULE);
  const Heading = headingLevel === 1 ? "h1" : "h2";
  return (
    <article aria-label={`Profile of ${plainName}`} className="space-y-6">
      <header className="space-y-2">
        <div className="flex flex-wrap items-center gap-2">
          <Heading className={headingLevel === 1 ? "text-2xl font-semibold" : "text-xl font-semibold"}>
            {profile.erased ? (
              <span className="italic text-zinc-500">Erased player</span>
            ) : (
              <ColouredText text={profile.name} rule={RECORD_NAME_RULE} />
            )}
          </Heading>
          {profile.online.length > 0 ? (
            <span className="inline-flex items-center gap-1 rounded bg-emerald-100 px-2 py-0.5 text-xs text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200">
              <span aria-hidden="true" className="h-2 w-2 rounded-full bg-emerald-500" />
              online
            </span>
          ) : null}
          {profile.watch ? (
            <span
              className="rounded bg-red-600 px-2 py-0.5 text-xs font-semibold text-white"
              title={profile.watch.reason}
            >
              Watched
            </span>
          ) : null}
          {profile.erased ? (
            <span className="rounded bg-zinc-200 px-2 py-0.5 text-xs dark:bg-zinc-700">erased</span>
          ) : null}
        </div>
        <dl className="grid grid-cols-2 gap-x-4 gap-y-1 text-sm sm:grid-cols-4">
          <div>
            <dt className="text-xs text-zinc-500">First seen</dt>
            <dd>
              <TimeAgo at={profile.firstSeenAt} now={now} />
            </dd>
          </div>
          <div>
            <dt className="text-xs text-zinc-500">Last seen</dt>
            <dd>{profile.online.length > 0 ? "now" : <TimeAgo at={profile.lastSeenAt} now={now} />}</dd>
          </div>
          <div>
            <dt className="text-xs text-zinc-500">Time played</dt>
            <dd>{formatPlayed(profile.totals.secondsPlayed)}</dd>
          </div>
          <div>
            <dt className="text-xs text-zinc-500">Stays</dt>
            <dd>{profile.totals.staysCount}</dd>
          </div>
        </dl>
      </header>
      <WatchSection profile={profile} actions={actions} now={now} onChanged={onChanged} />
      <ActionsSection profile={profile} actions={actions} plainName={plainName} onChanged={onChanged} />
      <NamesSection names={profile.names} now={now} />
      {profile.identities ? <IdentitiesSection identities={profile.identities} now={now} /> : null}
      <StaysSection servers={profile.servers} totals={profile.totals} now={now} />
      <SanctionsSection sanctions={profile.sanctions} now={now} />
      <BansSection bans={profile.bans} now={now} />
      <NotesSection profile={profile} actions={actions} now={now} onChanged={onChanged} />
      <LinkedPlayersSection profile={profile} actions={actions} now={now} onChanged={onChanged} />
    </article>
  );
}
