import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { PlayerProfilePage } from "@/components/players/profile/player-profile-page";
import { isAppError } from "@/lib/errors";
import { requireDataContext } from "@/server/auth/next";
import { getPlayerProfile } from "@/server/data/players/profile";
import type { PlayerProfile } from "@/server/data/players/types";
import { getRuntime } from "@/server/runtime";

export const metadata: Metadata = { title: "Player" };

// Thin: getPlayerProfile checks players.view on a server where the player was seen, leaves
// identifiers out for roles without players.identities and says what the actor may do.
export default async function PlayerPage({ params }: { params: Promise<{ playerId: string }> }) {
  const { playerId } = await params;
  const ctx = await requireDataContext();
  let profile: PlayerProfile;
  try {
    profile = await getPlayerProfile(ctx, playerId, new Date(), getRuntime().hub);
  } catch (error) {
    // Another server's player is "not found" too: its existence is not for this user to learn.
    if (
      isAppError(error) &&
      (error.code === "NOT_FOUND" || error.code === "FORBIDDEN" || error.code === "INVALID_INPUT")
    )
      notFound();
    throw error;
  }
  return (
    <div className="max-w-4xl space-y-4">
      <nav aria-label="Breadcrumb" className="text-sm">
        <Link href="/players" className="text-indigo-700 hover:underline dark:text-indigo-300">
          Players
        </Link>
        <span aria-hidden="true" className="px-1 text-zinc-400">
          /
        </span>
        <span>Profile</span>
      </nav>
      <PlayerProfilePage profile={profile} />
    </div>
  );
}
