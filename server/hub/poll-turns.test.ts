/**
 * The queue polled player lists wait in (poll-turns.ts), on the real event loop: FIFO order, the
 * budget of queued work per turn (on a clock the tasks move forward), a task's awaits counted as
 * part of it, and a datagram read between two turns of queued work.
 */
import { createSocket } from "node:dgram";
import { once } from "node:events";
import { performance } from "node:perf_hooks";
import { describe, expect, it } from "vitest";
import { PollTurns } from "./poll-turns.ts";

/** Counts turns of the event loop (one setImmediate each) until stopped. */
function turnCounter(): { readonly turn: number; stop(): void } {
  let turn = 0;
  let stopped = false;
  const tick = () => {
    if (stopped) return;
    turn++;
    setImmediate(tick);
  };
  setImmediate(tick);
  return {
    get turn() {
      return turn;
    },
    stop: () => {
      stopped = true;
    },
  };
}

/** A queue whose clock moves only when a task says it worked `ms`. */
function fakeTimedTurns(budgetMs: number) {
  let now = 0;
  const turns = new PollTurns(() => now, budgetMs);
  return { turns, work: (ms: number) => (now += ms) };
}

describe("PollTurns", () => {
  it("lets waiters through in the order they came", async () => {
    const turns = new PollTurns(() => performance.now());
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        await turns.turn();
        order.push(i);
      }),
    );
    expect(order).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(turns.queued).toBe(0);
  });

  it("runs at most the budget of queued work in one turn of the event loop, and the rest in later turns", async () => {
    const { turns, work } = fakeTimedTurns(20);
    const counter = turnCounter();
    const turnOfTask: number[] = [];
    await Promise.all(
      Array.from({ length: 12 }, async () => {
        await turns.turn();
        turnOfTask.push(counter.turn);
        work(5);
      }),
    );
    counter.stop();
    const perTurn = new Map<number, number>();
    for (const turn of turnOfTask) perTurn.set(turn, (perTurn.get(turn) ?? 0) + 1);
    // 5 units each against a budget of 20: four tasks a turn (the fourth starts at 15), three turns.
    expect([...perTurn.values()]).toEqual([4, 4, 4]);
  });

  it("counts what a task does after awaiting settled promises as part of that task", async () => {
    const { turns, work } = fakeTimedTurns(20);
    const log: string[] = [];
    await Promise.all(
      Array.from({ length: 3 }, async (_, i) => {
        await turns.turn();
        log.push(`start ${i}`);
        await Promise.resolve();
        await Promise.resolve(null);
        await Promise.resolve().then(() => undefined);
        work(15);
        log.push(`end ${i}`);
      }),
    );
    // Each task ends before the next starts: the queue waited for all of the first one's microtasks.
    expect(log).toEqual(["start 0", "end 0", "start 1", "end 1", "start 2", "end 2"]);
  });

  it("reads a socket between two turns of queued work instead of after all of it", async () => {
    const { turns, work } = fakeTimedTurns(20);
    const receiver = createSocket("udp4");
    const sender = createSocket("udp4");
    try {
      receiver.bind(0, "127.0.0.1");
      await once(receiver, "listening");
      const { port } = receiver.address();
      let tasksDone = 0;
      let tasksDoneAtMessage = -1;
      receiver.on("message", () => {
        tasksDoneAtMessage = tasksDone;
      });
      await Promise.all(
        Array.from({ length: 40 }, async (_, i) => {
          await turns.turn();
          // Sent during the first turn of queued work (loopback delivers it before the turn ends).
          if (i === 0) sender.send("chat", port, "127.0.0.1");
          work(5);
          tasksDone++;
        }),
      );
      expect(tasksDone).toBe(40);
      // Four tasks a turn: the datagram is read after the first turn or the second, not after the tenth.
      expect(tasksDoneAtMessage).toBeGreaterThanOrEqual(4);
      expect(tasksDoneAtMessage).toBeLessThanOrEqual(8);
    } finally {
      sender.close();
      receiver.close();
    }
  });
});
