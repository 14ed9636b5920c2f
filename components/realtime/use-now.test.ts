/** The deadline useNow wakes up at: the first one still ahead, never one already passed. */
import { describe, expect, it } from "vitest";
import { expiryTimes } from "../../lib/bans/duration.ts";
import { nextDeadline } from "./use-now.ts";

describe("nextDeadline", () => {
  it("is the earliest deadline after now, or null when none is ahead", () => {
    expect(nextDeadline([5_000, 2_000, 9_000], 1_000)).toBe(2_000);
    expect(nextDeadline([5_000, 2_000, 9_000], 2_000)).toBe(5_000); // one at now has passed
    expect(nextDeadline([5_000, 2_000], 6_000)).toBeNull();
    expect(nextDeadline([], 0)).toBeNull();
  });

  it("reads ban expiries as epoch ms and skips permanent bans", () => {
    const times = expiryTimes([
      { expiresAt: "2026-12-02T10:00:00.000Z" },
      { expiresAt: null },
      { expiresAt: "2026-12-02T09:00:00.000Z" },
    ]);
    expect(times).toEqual([Date.UTC(2026, 11, 2, 10), Date.UTC(2026, 11, 2, 9)]);
    expect(nextDeadline(times, Date.UTC(2026, 11, 2, 8))).toBe(Date.UTC(2026, 11, 2, 9));
  });
});
