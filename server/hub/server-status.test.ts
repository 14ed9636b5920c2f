/** Status computation (problem, connection, hidden endpoint) and the 5 s lastEventAt throttle. */
import { describe, expect, it } from "vitest";
import {
  computeStatus,
  EVENT_ONLY_STATUS_MS,
  StatusThrottle,
  unknownStatus,
  type StatusInput,
} from "./server-status.ts";

const WALL = Date.UTC(2026, 0, 1);
const online: StatusInput = {
  serverId: "s",
  endpoint: { host: "10.1.2.3", port: 27015 },
  problem: null,
  connection: { state: "online", reason: null, since: WALL - 1_000, latencyMs: 12, nextRetryAt: null },
  playerCount: 3,
  info: { map: "de_dust2", maxPlayers: 10 },
  lastEventAt: WALL - 500,
  degraded: null,
};

describe("server status", () => {
  it("shows an online server with players, map and slots", () => {
    expect(computeStatus(online, WALL)).toEqual({
      serverId: "s",
      state: "online",
      reason: null,
      since: new Date(WALL - 1_000).toISOString(),
      latencyMs: 12,
      nextRetryAt: null,
      playerCount: 3,
      lastEventAt: new Date(WALL - 500).toISOString(),
      map: "de_dust2",
      maxPlayers: 10,
      degraded: null,
    });
  });

  it("hides the endpoint from reasons, and shows a problem without a connection", () => {
    const down = computeStatus(
      {
        ...online,
        connection: {
          ...online.connection!,
          state: "unreachable",
          reason: "no answer from 10.1.2.3:27015",
          nextRetryAt: WALL + 5_000,
        },
      },
      WALL,
    );
    expect(down.reason).not.toContain("10.1.2.3");
    expect(down).toMatchObject({
      state: "unreachable",
      playerCount: null,
      map: null,
      nextRetryAt: new Date(WALL + 5_000).toISOString(),
    });
    const moved = computeStatus(
      {
        ...online,
        connection: null,
        problem: { state: "idle", reason: "Moving to another RconDeck instance", since: WALL },
      },
      WALL,
    );
    expect(moved).toMatchObject({
      state: "idle",
      reason: "Moving to another RconDeck instance",
      since: new Date(WALL).toISOString(),
      playerCount: null,
    });
    expect(unknownStatus("x", WALL)).toMatchObject({
      serverId: "x",
      state: "idle",
      since: new Date(WALL).toISOString(),
    });
  });

  it("emits a changed status at once, but one changed only by lastEventAt at most every 5 s", () => {
    const throttle = new StatusThrottle();
    const status = computeStatus(online, WALL);
    expect(throttle.shouldEmit(status, null, 0)).toBe(true);
    expect(throttle.shouldEmit(status, null, 10)).toBe(false); // nothing new
    expect(throttle.shouldEmit({ ...status, lastEventAt: "later" }, 20, 30)).toBe(false); // a line, within 5 s
    expect(throttle.shouldEmit({ ...status, lastEventAt: "later" }, 20, EVENT_ONLY_STATUS_MS)).toBe(true);
    expect(throttle.shouldEmit({ ...status, playerCount: 4 }, 20, EVENT_ONLY_STATUS_MS + 1)).toBe(true);
    throttle.reset();
    expect(throttle.shouldEmit({ ...status, playerCount: 4 }, 20, EVENT_ONLY_STATUS_MS + 2)).toBe(true);
  });

  it("sends a status changed only by its latency at most every 5 s, and any other change at once", () => {
    const throttle = new StatusThrottle();
    const status = computeStatus(online, WALL);
    expect(throttle.shouldEmit({ ...status, latencyMs: 12 }, null, 0)).toBe(true);
    expect(throttle.shouldEmit({ ...status, latencyMs: 12 }, null, 2_000)).toBe(false); // nothing new
    expect(throttle.shouldEmit({ ...status, latencyMs: 15 }, null, 2_000)).toBe(false); // latency, within 5 s
    expect(throttle.shouldEmit({ ...status, latencyMs: 14 }, null, EVENT_ONLY_STATUS_MS)).toBe(true);
    expect(throttle.shouldEmit({ ...status, latencyMs: 14 }, null, EVENT_ONLY_STATUS_MS + 10_000)).toBe(
      false,
    );
    // A player count changes at once, carrying the latency of the moment.
    expect(
      throttle.shouldEmit({ ...status, latencyMs: 20, playerCount: 9 }, null, EVENT_ONLY_STATUS_MS + 10_001),
    ).toBe(true);
  });

  it("tells a pushed line whether its status could be sent at all (lastEventAt alone: every 5 s)", () => {
    const throttle = new StatusThrottle();
    expect(throttle.eventMayEmit(0)).toBe(true); // nothing sent yet
    expect(throttle.shouldEmit(computeStatus(online, WALL), null, 1_000)).toBe(true);
    expect(throttle.eventMayEmit(1_000 + EVENT_ONLY_STATUS_MS - 1)).toBe(false);
    expect(throttle.eventMayEmit(1_000 + EVENT_ONLY_STATUS_MS)).toBe(true);
    throttle.reset();
    expect(throttle.eventMayEmit(1_001)).toBe(true);
  });
});
