import { FakeClock } from "../../rcon/testing/fake-clock.ts";
import type { HubClock } from "../clock.ts";

/** FakeClock with a wall time that moves with it (starts at 2026-01-01T00:00:00Z unless told). */
export class FakeHubClock extends FakeClock implements HubClock {
  constructor(
    private readonly wallAtStart = Date.UTC(2026, 0, 1),
    start = 1_000_000,
  ) {
    super(start);
    this.monoAtStart = start;
  }

  private readonly monoAtStart: number;

  wall(): number {
    return this.wallAtStart + (this.now() - this.monoAtStart);
  }
}
