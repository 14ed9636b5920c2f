"use client";

import { useState } from "react";
import {
  createNameMatcher,
  nameMatcherKey,
  type NamedPlayer,
  type NameMatcher,
} from "@/lib/players/name-matcher";
import type { PlayerView } from "@/lib/realtime/contract";

/**
 * The console's name matcher for the players on the server who have a record. A player list
 * arrives on every poll (pings change); the matcher, and so every console row, only changes when
 * the set of names does.
 */
export function useNameMatcher(players: readonly PlayerView[]): NameMatcher | null {
  const named: NamedPlayer[] = [];
  for (const player of players)
    if (player.record)
      named.push({ playerId: player.record.playerId, names: [player.name, player.plainName] });
  const key = nameMatcherKey(named);
  const [state, setState] = useState<{ key: string; matcher: NameMatcher | null }>(() => ({
    key,
    matcher: createNameMatcher(named),
  }));
  if (state.key !== key) {
    const next = { key, matcher: createNameMatcher(named) };
    setState(next);
    return next.matcher;
  }
  return state.matcher;
}
