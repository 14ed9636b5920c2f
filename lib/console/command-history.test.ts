import { describe, expect, it } from "vitest";
import { createHistory, historyDown, historyUp, pushHistory } from "./command-history.ts";

describe("command history", () => {
  it("walks back and forth and restores the draft", () => {
    let state = createHistory(["status", "players"]);
    let step = historyUp(state, "say hel");
    expect(step.value).toBe("players");
    step = historyUp(step.state, step.value);
    expect(step.value).toBe("status");
    step = historyUp(step.state, step.value);
    expect(step.value).toBe("status");
    step = historyDown(step.state, step.value);
    expect(step.value).toBe("players");
    step = historyDown(step.state, step.value);
    expect(step.value).toBe("say hel");
    state = step.state;
    expect(historyDown(state, "say hel").value).toBe("say hel");
  });

  it("records sent commands once and resets browsing", () => {
    let state = pushHistory(createHistory(["status"]), "status");
    expect(state.entries).toEqual(["status"]);
    state = pushHistory(state, " map q3dm17 ");
    expect(state.entries).toEqual(["status", "map q3dm17"]);
    expect(historyUp(state, "").value).toBe("map q3dm17");
    expect(historyUp(createHistory([]), "x").value).toBe("x");
  });
});
