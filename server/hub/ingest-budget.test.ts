/** The per-server ingest budget with time passed in: bucket, drop counts, degraded reasons and their quiet period. */
import { describe, expect, it } from "vitest";
import { clipText, DEFAULT_INGEST_BUDGET, IngestBudget } from "./ingest-budget.ts";

const T0 = 1_700_000_000_000;
const options = { ...DEFAULT_INGEST_BUDGET, linesPerSecond: 10, burst: 20, quietMs: 60_000 };

describe("clipText", () => {
  it("keeps text within the cap and marks what it cut, never splitting a character", () => {
    expect(clipText("short", 10)).toBe("short");
    expect(clipText("abcdefghij", 10)).toBe("abcdefghij");
    expect(clipText("abcdefghijkl", 10)).toBe("abcdefghij [truncated 2 bytes]");
    // "é" is two bytes: 5 of them fit in 10 bytes, a sixth would straddle the cap.
    expect(clipText("ééééééé", 11)).toBe("ééééé [truncated 4 bytes]");
    expect(clipText("€€€", 4)).toBe("€ [truncated 6 bytes]");
  });

  it("goes back to the start of a word cut in two, so half an identity is never kept", () => {
    const guid = "0123456789abcdef0123456789abcdef";
    expect(clipText(`kicked ${guid} for spam`, 20)).toBe(`kicked [truncated ${guid.length + 10} bytes]`);
    // A cut between words keeps every whole word.
    expect(clipText("one two three four", 8)).toBe("one two [truncated 11 bytes]");
    // A word longer than the back-off is cut where the cap falls.
    expect(clipText(`x ${"y".repeat(300)}`, 200)).toBe(`x ${"y".repeat(198)} [truncated 102 bytes]`);
  });
});

describe("IngestBudget", () => {
  it("admits a burst, then the sustained rate, and counts what it drops", () => {
    const budget = new IngestBudget(options, T0);
    let admitted = 0;
    for (let i = 0; i < 100; i++) if (budget.admit(T0)) admitted++;
    expect(admitted).toBe(20);
    expect(budget.takeSummary()).toBe("80 lines dropped: the server pushes more than 10 lines per second.");
    expect(budget.takeSummary()).toBeNull();
    // One second later: ten more tokens.
    admitted = 0;
    for (let i = 0; i < 100; i++) if (budget.admit(T0 + 1_000)) admitted++;
    expect(admitted).toBe(10);
    expect(budget.droppedLastMinute(T0 + 1_000)).toBe(170);
    // The bucket never holds more than the burst, however long the server was quiet.
    admitted = 0;
    for (let i = 0; i < 100; i++) if (budget.admit(T0 + 3_600_000)) admitted++;
    expect(admitted).toBe(20);
  });

  it("a clock going backwards neither adds tokens nor throws", () => {
    const budget = new IngestBudget({ ...options, burst: 1 }, T0);
    expect(budget.admit(T0)).toBe(true);
    expect(budget.admit(T0 - 5_000)).toBe(false);
  });

  it("is degraded while dropping, with the last minute's count, and clears after a quiet period", () => {
    const budget = new IngestBudget({ ...options, burst: 1, linesPerSecond: 1 }, T0);
    expect(budget.degraded(T0)).toBeNull();
    budget.admit(T0);
    expect(budget.admit(T0)).toBe(false);
    expect(budget.takeSummary()).toBe("1 line dropped: the server pushes more than 1 lines per second.");
    for (let i = 0; i < 12_344; i++) budget.admit(T0 + 10);
    expect(budget.degraded(T0 + 10)).toBe("flooding: 12,345 lines dropped in the last minute");
    budget.admit(T0 + 30_000); // admitted (a token came back): no new drop
    expect(budget.admit(T0 + 30_000)).toBe(false);
    expect(budget.degraded(T0 + 30_000)).toBe("flooding: 12,346 lines dropped in the last minute");
    // The first drops leave the minute; the last drop is still recent.
    expect(budget.degraded(T0 + 61_000)).toBe("flooding: 1 line dropped in the last minute");
    expect(budget.degraded(T0 + 90_000)).toBeNull();
  });

  it("names answers that never end and malformed packets, each clearing on its own", () => {
    const budget = new IngestBudget(options, T0);
    budget.note("endless-answer", T0);
    budget.note("malformed", T0 + 30_000);
    expect(budget.degraded(T0 + 30_000)).toBe(
      "answers never end (cut at the size cap or arriving after they ended); malformed packets",
    );
    expect(budget.degraded(T0 + 60_000)).toBe("malformed packets");
    expect(budget.degraded(T0 + 90_000)).toBeNull();
  });

  it("a server over the read budget without dropped lines is flooding too", () => {
    const budget = new IngestBudget(options, T0);
    budget.note("flooding", T0);
    expect(budget.degraded(T0 + 1)).toBe("flooding: more data than the read budget (reading paused)");
  });
});
