import { describe, expect, it } from "vitest";
import { TriggerLimits } from "./limits.ts";

const rule = { cooldownSeconds: 10, perPlayerLimit: 2, perPlayerWindowSeconds: 60 };

describe("trigger limits", () => {
  it("keeps a cooldown per server and a per-player count per window", () => {
    const limits = new TriggerLimits();
    expect(limits.admit("t", rule, "s1", "p", 0)).toBeNull();
    expect(limits.admit("t", rule, "s1", "q", 5_000)).toBe("cooldown");
    // Another server has its own cooldown; the player's count is the trigger's, across servers.
    expect(limits.admit("t", rule, "s2", "p", 5_000)).toBeNull();
    expect(limits.admit("t", rule, "s1", "p", 20_000)).toBe("player-limit");
    expect(limits.admit("t", rule, "s1", "q", 20_000)).toBeNull();
    expect(limits.admit("t", rule, "s1", "p", 61_000)).toBeNull(); // the first one left the window
  });

  it("starts from stored firings, and forgets a deleted trigger", () => {
    const limits = new TriggerLimits();
    limits.seed("t", "s1", "p", 1_000);
    limits.seed("t", "s2", "p", 2_000);
    expect(limits.admit("t", rule, "s1", "x", 5_000)).toBe("cooldown");
    expect(limits.admit("t", rule, "s3", "p", 5_000)).toBe("player-limit");
    limits.forget("t");
    expect(limits.admit("t", rule, "s1", "p", 5_000)).toBeNull();
  });

  it("prunes what no window can still see", () => {
    const limits = new TriggerLimits();
    limits.seed("t", "s1", "p", 0);
    limits.prune(100_000, 60_000);
    expect(limits.admit("t", { ...rule, cooldownSeconds: 1_000 }, "s1", "p", 100_000)).toBeNull();
  });
});
