import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { GAP_REFETCH_DELAY_MS, GapRefetcher, gapAfter } from "./seq-gaps.ts";

describe("gapAfter", () => {
  it("sees a gap only when a seq skips past the next one", () => {
    expect(gapAfter(null, 10)).toBeNull();
    expect(gapAfter(9, 10)).toBeNull();
    expect(gapAfter(10, 10)).toBeNull();
    expect(gapAfter(10, 5)).toBeNull();
    expect(gapAfter(10, 12)).toBe(10);
  });
});

describe("GapRefetcher", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("fetches once per burst of gaps, after the pause, from the lowest seq held", async () => {
    const calls: (number | null)[] = [];
    const refetcher = new GapRefetcher((after) => {
      calls.push(after);
      return Promise.resolve();
    });
    refetcher.seen(10, 11);
    expect(calls).toEqual([]);
    refetcher.seen(11, 14);
    refetcher.seen(14, 20);
    await vi.advanceTimersByTimeAsync(GAP_REFETCH_DELAY_MS - 1);
    expect(calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toEqual([11]);
    await vi.advanceTimersByTimeAsync(5 * GAP_REFETCH_DELAY_MS);
    expect(calls).toEqual([11]);
  });

  it("never runs two fetches at once: a gap seen meanwhile is fetched after the first ends", async () => {
    const calls: (number | null)[] = [];
    let finish: () => void = () => undefined;
    const refetcher = new GapRefetcher((after) => {
      calls.push(after);
      return new Promise<void>((resolve) => (finish = resolve));
    });
    refetcher.seen(1, 3);
    await vi.advanceTimersByTimeAsync(GAP_REFETCH_DELAY_MS);
    expect(calls).toEqual([1]);
    refetcher.seen(30, 40);
    await vi.advanceTimersByTimeAsync(10 * GAP_REFETCH_DELAY_MS);
    expect(calls).toEqual([1]);
    finish();
    await vi.advanceTimersByTimeAsync(GAP_REFETCH_DELAY_MS);
    expect(calls).toEqual([1, 30]);
  });

  it("a failed fetch does not stop later ones; dispose cancels what is scheduled", async () => {
    const calls: (number | null)[] = [];
    const refetcher = new GapRefetcher((after) => {
      calls.push(after);
      return Promise.reject(new Error("offline"));
    });
    refetcher.seen(1, 3);
    await vi.advanceTimersByTimeAsync(GAP_REFETCH_DELAY_MS);
    refetcher.seen(5, 7);
    await vi.advanceTimersByTimeAsync(GAP_REFETCH_DELAY_MS);
    expect(calls).toEqual([1, 5]);
    refetcher.seen(8, 10);
    refetcher.dispose();
    await vi.advanceTimersByTimeAsync(10 * GAP_REFETCH_DELAY_MS);
    expect(calls).toEqual([1, 5]);
  });

  it("a resync joins the same budget: one fetch, from the lowest seq held, or without one when none is", async () => {
    const calls: (number | null)[] = [];
    const refetcher = new GapRefetcher((after) => {
      calls.push(after);
      return Promise.resolve();
    });
    refetcher.resync(null);
    await vi.advanceTimersByTimeAsync(GAP_REFETCH_DELAY_MS);
    expect(calls).toEqual([null]);
    refetcher.resync(40);
    refetcher.seen(20, 25);
    refetcher.resync(41);
    await vi.advanceTimersByTimeAsync(GAP_REFETCH_DELAY_MS);
    expect(calls).toEqual([null, 20]);
    await vi.advanceTimersByTimeAsync(10 * GAP_REFETCH_DELAY_MS);
    expect(calls).toEqual([null, 20]);
  });
});
