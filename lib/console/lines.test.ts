import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ConsoleLineMessage } from "../realtime/contract.ts";
import { lastSeq, mergeLines } from "./lines.ts";

const line = (seq: number, text = `line ${seq}`): ConsoleLineMessage => ({
  serverId: "s1",
  seq,
  at: new Date(1_700_000_000_000 + seq * 1000).toISOString(),
  kind: "system",
  text,
  actorName: null,
  replyTo: null,
});

describe("mergeLines", () => {
  it("appends newer live lines after the snapshot history", () => {
    const history = [line(1), line(2), line(3)];
    const merged = mergeLines(history, [line(4), line(5)]);
    expect(merged.map((l) => l.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it("drops live lines that the snapshot already held (the seam) and keeps the first copy", () => {
    const live = [line(3, "live copy"), line(4)];
    const history = [line(1), line(2), line(3)];
    const merged = mergeLines(mergeLines([], live), history);
    expect(merged.map((l) => l.seq)).toEqual([1, 2, 3, 4]);
    expect(merged.find((l) => l.seq === 3)?.text).toBe("live copy");
  });

  it("returns the same array when nothing new arrived", () => {
    const held = [line(1), line(2)];
    expect(mergeLines(held, [line(2), line(1)])).toBe(held);
    expect(mergeLines(held, [])).toBe(held);
  });

  it("keeps only the newest lines beyond the cap", () => {
    const merged = mergeLines([line(1), line(2)], [line(3), line(4), line(5)], 3);
    expect(merged.map((l) => l.seq)).toEqual([3, 4, 5]);
    expect(lastSeq(merged)).toBe(5);
    expect(lastSeq([])).toBeNull();
  });

  it("holds every seq exactly once, in order, however the batches overlap and arrive", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 20 }), { maxLength: 12 }),
        (batches) => {
          let held: readonly ConsoleLineMessage[] = [];
          for (const batch of batches)
            held = mergeLines(
              held,
              batch.map((s) => line(s)),
            );
          const expected = [...new Set(batches.flat())].sort((a, b) => a - b);
          expect(held.map((l) => l.seq)).toEqual(expected);
        },
      ),
    );
  });
});
