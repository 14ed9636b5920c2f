/** When a polled player list goes to the watchers (player-list-throttle.ts), on clock times given in. */
import { describe, expect, it } from "vitest";
import { LIVE_FIELDS_EVERY_MS, PlayerListThrottle } from "./player-list-throttle.ts";

describe("player list throttle", () => {
  it("sends joins, leaves and renames at once, pings and scores at most every 10 s", () => {
    const throttle = new PlayerListThrottle();
    expect(throttle.shouldSend("live", 0)).toBe(true); // nothing sent yet
    throttle.sent(0);
    expect(throttle.shouldSend("none", 2_000)).toBe(false);
    expect(throttle.shouldSend("live", 2_000)).toBe(false);
    expect(throttle.shouldSend("shown", 4_000)).toBe(true); // a join does not wait
    throttle.sent(4_000);
    expect(throttle.shouldSend("live", 6_000)).toBe(false); // the interval starts again at each send
    expect(throttle.shouldSend("live", 4_000 + LIVE_FIELDS_EVERY_MS - 1)).toBe(false);
    expect(throttle.shouldSend("live", 4_000 + LIVE_FIELDS_EVERY_MS)).toBe(true);
  });

  it("sends a held-back ping change at the first poll past the interval, even one that changed nothing", () => {
    const throttle = new PlayerListThrottle();
    throttle.sent(0);
    expect(throttle.shouldSend("live", 2_000)).toBe(false);
    expect(throttle.shouldSend("none", 8_000)).toBe(false);
    expect(throttle.shouldSend("none", LIVE_FIELDS_EVERY_MS)).toBe(true);
    throttle.sent(LIVE_FIELDS_EVERY_MS);
    // Nothing held back any more: a quiet list is not sent again.
    expect(throttle.shouldSend("none", 3 * LIVE_FIELDS_EVERY_MS)).toBe(false);
  });
});
