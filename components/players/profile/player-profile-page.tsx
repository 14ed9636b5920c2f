"use client";

import { useRouter } from "next/navigation";
import { useCallback } from "react";
import type { PlayerProfile } from "@/server/data/players/types";
import { PlayerProfileView } from "./player-profile-view";
import { useProfileActions } from "./profile-drawer";

/** The full profile page's client part: the shell's record actions, and a refresh after each change. */
export function PlayerProfilePage({ profile }: { profile: PlayerProfile }) {
  const router = useRouter();
  const actions = useProfileActions();
  const refresh = useCallback(() => router.refresh(), [router]);
  return <PlayerProfileView profile={profile} actions={actions} onChanged={refresh} headingLevel={1} />;
}
