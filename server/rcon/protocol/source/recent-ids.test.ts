import { describe, expect, it } from "vitest";
import { RecentIds } from "./recent-ids.ts";

describe("RecentIds", () => {
  it("forgets the oldest id once full, through many turns of its ring", () => {
    const ids = new RecentIds(3);
    for (let id = 1; id <= 10; id++) ids.set(id, id % 2 === 0);
    expect(ids.size).toBe(3);
    expect([7, 8, 9, 10].map((id) => ids.get(id))).toEqual([undefined, true, false, true]);
    expect(ids.has(7)).toBe(false);
  });

  it("keeps an id set again in its place, with the new flag", () => {
    const ids = new RecentIds(3);
    ids.set(1, false);
    ids.set(2, false);
    ids.set(1, true); // not moved to the end: 1 is still the oldest
    ids.set(3, false);
    expect(ids.get(1)).toBe(true);
    ids.set(4, false);
    expect(ids.has(1)).toBe(false);
    expect([2, 3, 4].every((id) => ids.has(id))).toBe(true);
    expect(ids.size).toBe(3);
  });
});
