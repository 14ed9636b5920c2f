import { describe, expect, it } from "vitest";
import { formatPlayed, stayDuration, timeAgo } from "./format.ts";

const now = Date.parse("2026-06-01T12:00:00Z");

describe("player record times", () => {
  it("says how long ago a player was seen", () => {
    expect(timeAgo("2026-06-01T11:59:55Z", now)).toBe("just now");
    expect(timeAgo("2026-06-01T12:00:30Z", now)).toBe("just now");
    expect(timeAgo("2026-06-01T11:59:30Z", now)).toBe("30 s ago");
    expect(timeAgo("2026-06-01T11:55:00Z", now)).toBe("5 min ago");
    expect(timeAgo("2026-06-01T09:00:00Z", now)).toBe("3 h ago");
    expect(timeAgo("2026-05-29T12:00:00Z", now)).toBe("3 d ago");
    expect(timeAgo("2026-01-01T12:00:00Z", now)).toBe("5 mo ago");
    expect(timeAgo("2023-06-01T12:00:00Z", now)).toBe("3 y ago");
    expect(timeAgo("not a date", now)).toBe("unknown");
  });

  it("formats time played with days for large totals", () => {
    expect(formatPlayed(42)).toBe("42s");
    expect(formatPlayed(45 * 60)).toBe("45m");
    expect(formatPlayed(3 * 3600 + 5 * 60)).toBe("3h 05m");
    expect(formatPlayed(12 * 86_400 + 4 * 3600 + 59)).toBe("12d 4h");
  });

  it("measures open stays up to now", () => {
    expect(stayDuration({ joinedAt: "2026-06-01T11:00:00Z", leftAt: "2026-06-01T11:30:00Z" }, now)).toBe(
      1800,
    );
    expect(stayDuration({ joinedAt: "2026-06-01T11:00:00Z", leftAt: null }, now)).toBe(3600);
  });
});
