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

  it("answers like a Map kept to the newest `limit` ids, over ids of every kind and many evictions", () => {
    for (const limit of [1, 5, 64, 4096]) {
      const ids = new RecentIds(limit);
      const model = new Map<number, boolean>();
      let seed = limit;
      const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
      for (let i = 0; i < 30_000; i++) {
        // Mostly increasing ids (as allocated), some repeats, negatives and wrapped ones.
        const pick = random() % 10;
        const id =
          pick < 6
            ? i
            : pick < 8
              ? random() % (i + 1)
              : pick < 9
                ? -(random() % 5000)
                : 0x7fffffff - (random() % 50);
        const flag = (random() & 1) === 1;
        ids.set(id, flag);
        if (!model.has(id) && model.size === limit) model.delete(model.keys().next().value as number);
        model.set(id, flag);
        if (i % 1000 === 999) {
          const wrong: number[] = [];
          for (const [known, value] of model) if (ids.get(known) !== value) wrong.push(known);
          for (let probe = -5000; probe < i + 100; probe += 7)
            if (ids.get(probe) !== model.get(probe)) wrong.push(probe);
          expect({ size: ids.size, wrong }).toEqual({ size: model.size, wrong: [] });
        }
      }
    }
  });
});
