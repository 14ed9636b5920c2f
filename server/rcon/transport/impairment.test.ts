import { describe, expect, it } from "vitest";
import { createRandom } from "../random.ts";
import { FakeClock } from "../testing/fake-clock.ts";
import { createImpairment } from "./impairment.ts";

function run(seed: number, options: { loss?: number; duplicate?: number; reorder?: number }, count = 2000) {
  const clock = new FakeClock();
  const impairment = createImpairment({ ...options, maxDelayMs: 20, random: createRandom(seed), clock });
  const delivered: number[] = [];
  for (let i = 0; i < count; i++) {
    impairment.apply(new Uint8Array([i & 0xff, i >> 8]), (b) => delivered.push(b[0]! | (b[1]! << 8)));
    clock.advance(1);
  }
  clock.advance(100);
  return { delivered, stats: impairment.stats, impairment, clock };
}

describe("createImpairment", () => {
  it("passes everything through untouched when every probability is 0", () => {
    const { delivered, impairment } = run(1, {}, 100);
    expect(delivered).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(impairment.active).toBe(false);
  });

  it("drops about the configured share", () => {
    const { delivered, stats } = run(7, { loss: 0.3 });
    expect(stats.dropped + stats.passed).toBe(2000);
    expect(delivered.length).toBeGreaterThan(1200);
    expect(delivered.length).toBeLessThan(1600);
  });

  it("duplicates and reorders", () => {
    const { delivered, stats } = run(3, { duplicate: 0.2, reorder: 0.3 });
    expect(stats.duplicated).toBeGreaterThan(0);
    expect(delivered.length).toBe(2000 + stats.duplicated);
    expect(new Set(delivered).size).toBe(2000);
    const sorted = [...delivered].sort((a, b) => a - b);
    expect(delivered).not.toEqual(sorted);
  });

  it("replays the same faults from the same seed", () => {
    const a = run(42, { loss: 0.3, duplicate: 0.1, reorder: 0.2 }).delivered;
    const b = run(42, { loss: 0.3, duplicate: 0.1, reorder: 0.2 }).delivered;
    const c = run(43, { loss: 0.3, duplicate: 0.1, reorder: 0.2 }).delivered;
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it("close() discards held-back datagrams", () => {
    const clock = new FakeClock();
    const impairment = createImpairment({ reorder: 1, random: createRandom(1), clock });
    const delivered: Uint8Array[] = [];
    impairment.apply(new Uint8Array([1]), (b) => delivered.push(b));
    impairment.close();
    clock.advance(1000);
    impairment.apply(new Uint8Array([2]), (b) => delivered.push(b));
    expect(delivered).toEqual([]);
    expect(clock.pendingTimers).toBe(0);
  });

  it("rejects probabilities outside 0..1", () => {
    expect(() => createImpairment({ loss: 1.5, random: Math.random, clock: new FakeClock() })).toThrow(
      /probability/,
    );
  });
});
