import { describe, expect, it } from "vitest";
import { medianAndRange, percentile } from "./stats.ts";

describe("bench figures", () => {
  it("percentile: the nearest rank below, NaN when empty", () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 50)).toBe(51);
    expect(percentile(sorted, 99)).toBe(100);
    expect(percentile([], 50)).toBeNaN();
  });
  it("medianAndRange: the middle run (the lower middle of an even count), in any order, without NaN", () => {
    expect(medianAndRange([86, 148, 98])).toEqual({ median: 98, min: 86, max: 148 });
    expect(medianAndRange([4, 1, 3, 2])).toEqual({ median: 2, min: 1, max: 4 });
    expect(medianAndRange([NaN, 7])).toEqual({ median: 7, min: 7, max: 7 });
    expect(medianAndRange([NaN])).toEqual({ median: NaN, min: NaN, max: NaN });
  });
});
