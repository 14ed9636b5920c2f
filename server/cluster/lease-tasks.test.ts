import { describe, expect, it } from "vitest";
import { LeaseTasks } from "./lease-tasks.ts";
import { quietLogger } from "./testing/lease-helpers.ts";

describe("LeaseTasks", () => {
  it("runs one server's steps in order, at most `limit` at once, and survives a failing step", async () => {
    const tasks = new LeaseTasks(quietLogger, 4);
    let active = 0;
    let most = 0;
    const order: string[] = [];
    const step =
      (label: string, fail = false) =>
      async () => {
        active++;
        most = Math.max(most, active);
        await new Promise((resolve) => setTimeout(resolve, 1));
        active--;
        order.push(label);
        if (fail) throw new Error("boom");
      };
    const runs: Promise<void>[] = [];
    for (let i = 0; i < 20; i++) {
      runs.push(tasks.run(`s${i}`, step(`adopt s${i}`, i === 3)));
      runs.push(tasks.run(`s${i}`, step(`release s${i}`)));
    }
    await tasks.idle();
    await Promise.all(runs);
    expect(most).toBe(4);
    expect(order).toHaveLength(40);
    for (let i = 0; i < 20; i++)
      expect(order.indexOf(`adopt s${i}`)).toBeLessThan(order.indexOf(`release s${i}`));
  });
});
