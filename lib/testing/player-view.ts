/** Player lists for tests of what the browser holds and what the server sends of them. */
import type { PlayerView } from "../realtime/contract.ts";

/** An ordinary player with a GUID, an address and a record; `fields` change any of it. */
export function testPlayerView(id: string, fields: Partial<PlayerView> = {}): PlayerView {
  return {
    id,
    name: `Name ${id}`,
    plainName: `Name ${id}`,
    ping: 40,
    score: 0,
    guid: `guid-${id}`,
    steamId: null,
    address: "203.0.113.7:2304",
    isBot: false,
    state: null,
    connectedSince: "2026-12-04T10:00:00.000Z",
    record: { playerId: `rec-${id}`, notes: 1, warnings: 0, watch: null },
    ...fields,
  };
}
