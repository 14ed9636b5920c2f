import { describe, expect, it } from "vitest";
import { Pacer } from "./pacing.ts";

describe("Pacer", () => {
  it("no rule: everything goes at once", () => {
    const pacer = new Pacer({ kind: "none" });
    pacer.record("rcon", 0);
    pacer.record("query", 0);
    expect(pacer.earliestAt("rcon")).toBe(Number.NEGATIVE_INFINITY);
    expect(pacer.canSend("query", 0)).toBe(true);
  });

  it("an interval that spares queries gates rcon only, and queries do not move it", () => {
    const pacer = new Pacer({ kind: "interval", minIntervalMs: 500, includesQueries: false });
    pacer.record("rcon", 1_000);
    expect(pacer.canSend("rcon", 1_499)).toBe(false);
    expect(pacer.canSend("query", 1_001)).toBe(true);
    pacer.record("query", 1_400); // not counted: the server does not gate queries
    expect(pacer.earliestAt("rcon")).toBe(1_500);
  });

  it("an interval that includes queries gates them too, and a query delays the next rcon", () => {
    const pacer = new Pacer({ kind: "interval", minIntervalMs: 500, includesQueries: true });
    pacer.record("rcon", 1_000);
    expect(pacer.canSend("query", 1_499)).toBe(false);
    expect(pacer.earliestAt("query")).toBe(1_500);
    pacer.record("query", 1_500);
    expect(pacer.earliestAt("rcon")).toBe(2_000);
  });

  it("a bucket that spares queries lets them through while rcon waits for a refill", () => {
    const pacer = new Pacer({ kind: "bucket", burst: 2, periodMs: 1_000, includesQueries: false });
    pacer.record("rcon", 0);
    pacer.record("rcon", 0);
    expect(pacer.canSend("rcon", 999)).toBe(false);
    expect(pacer.earliestAt("rcon")).toBe(1_000);
    expect(pacer.canSend("query", 0)).toBe(true);
    for (let i = 0; i < 5; i++) pacer.record("query", 0);
    expect(pacer.earliestAt("rcon")).toBe(1_000);
  });
});
