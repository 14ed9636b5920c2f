/**
 * Polled player lists wait for their turn of the event loop. libuv runs the callbacks of every
 * socket that became readable during the previous turn back to back. When each answer was parsed,
 * diffed and applied inline, hundreds of them queued behind one another, and a pushed chat line
 * that arrived meanwhile waited in the kernel until they were all done. At 1,000 servers
 * (`npm run bench -- hub`), busy stretches of 40-280 ms made the chat latency's p99 64-106 ms.
 *
 * Here an answer's processing waits in a FIFO queue that runs after the turn's I/O (setImmediate),
 * for at most `budgetMs` a turn: the sockets are read again between two turns of queued work.
 * Player lists get later under load, never lost: each server has at most one poll in flight, so
 * the queue holds at most one answer per server.
 *
 * A task is what its waiter does once `turn()` resolves, up to its next real wait. The queue
 * measures it by handing over the next turn in a nextTick queued from a microtask: Node runs that
 * only once the whole microtask queue is empty, i.e. after every `await` of already-settled
 * promises in the task.
 */
/** Queued work one turn of the event loop may take (the last task may overrun it). */
export const POLL_TURN_BUDGET_MS = 4;

/** What the hub needs of the queue (tests hold turns to see that the hub waits for them). */
export interface PollTurnQueue {
  turn(): Promise<void>;
}

export class PollTurns implements PollTurnQueue {
  private readonly waiting: (() => void)[] = [];
  private scheduled = false;
  private turnStart = 0;

  /** `now`: the hub clock's milliseconds (a fake clock that stands still gives one turn to all). */
  constructor(
    private readonly now: () => number,
    private readonly budgetMs = POLL_TURN_BUDGET_MS,
  ) {}

  /** Resolves when this caller's work may run: after the I/O of the current turn, in FIFO order. */
  turn(): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.schedule();
    });
  }

  /** Waiters not yet let through (diagnosis, tests). */
  get queued(): number {
    return this.waiting.length;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.startTurn);
  }

  private readonly startTurn = (): void => {
    this.scheduled = false;
    this.turnStart = this.now();
    this.next();
  };

  private readonly next = (): void => {
    const resolve = this.waiting.shift();
    if (!resolve) return;
    resolve();
    // After the task's own microtasks (see the header): then the next one, or the next turn.
    queueMicrotask(() => process.nextTick(this.afterTask));
  };

  private readonly afterTask = (): void => {
    if (this.waiting.length === 0) return;
    if (this.now() - this.turnStart < this.budgetMs) this.next();
    else this.schedule();
  };
}
