/**
 * The HTTP budget's own semantics (rate-limiter-flexible in memory, one-minute windows): costs add
 * up per user, a refusal says when to retry and counts too, and users, and addresses without a
 * session, are counted apart.
 */
import { describe, expect, it } from "vitest";
import { HttpBudget } from "./http-budget.ts";

describe("HttpBudget", () => {
  it("charges each request's cost and refuses past the budget with a retry delay within the window", async () => {
    const budget = new HttpBudget({ userPointsPerMinute: 10, anonymousPointsPerMinute: 4 });
    const alice = { userId: "alice" };
    expect(await budget.charge(alice, 4)).toEqual({ allowed: true, remaining: 6 });
    expect(await budget.charge(alice, 4)).toEqual({ allowed: true, remaining: 2 });
    const refused = await budget.charge(alice, 4);
    expect(refused.allowed).toBe(false);
    if (!refused.allowed) {
      expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
    }
    // The refusal counted: even the cheapest request is refused now.
    expect((await budget.charge(alice, 1)).allowed).toBe(false);
  });

  it("counts users apart, and requests without a session per address on their own budget", async () => {
    const budget = new HttpBudget({ userPointsPerMinute: 10, anonymousPointsPerMinute: 4 });
    expect((await budget.charge({ userId: "alice" }, 10)).allowed).toBe(true);
    expect((await budget.charge({ userId: "alice" }, 1)).allowed).toBe(false);
    expect((await budget.charge({ userId: "bob" }, 10)).allowed).toBe(true);
    expect((await budget.charge({ address: "203.0.113.7" }, 4)).allowed).toBe(true);
    expect((await budget.charge({ address: "203.0.113.7" }, 1)).allowed).toBe(false);
    expect((await budget.charge({ address: "203.0.113.8" }, 4)).allowed).toBe(true);
    // An address that looks like a user id is still another key.
    expect((await budget.charge({ address: "bob" }, 1)).allowed).toBe(true);
  });
});
