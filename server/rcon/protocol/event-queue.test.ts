import { describe, expect, it } from "vitest";
import { EventQueue } from "./event-queue.ts";

describe("EventQueue", () => {
  it("hands out events oldest first, once each, across pushes made while reading", () => {
    const queue = new EventQueue<number>();
    expect(queue.next()).toBeNull();
    queue.push(1);
    queue.push(2);
    expect(queue.next()).toBe(1);
    queue.push(3);
    expect([queue.next(), queue.next(), queue.next()]).toEqual([2, 3, null]);
    queue.push(4);
    expect([queue.next(), queue.next()]).toEqual([4, null]);
  });
});
