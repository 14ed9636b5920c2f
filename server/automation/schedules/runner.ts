/**
 * Runs schedules on the servers this instance holds (one process: all of them).
 *
 * Every tick (1 s) each enabled schedule's latest due time is found with croner, from the schedule's
 * `lastDueAt` on (the due time last handled, or when it was created, edited or enabled). A due time
 * is handled at most once per (schedule, server): the `AutomationRun` row with that unique key is
 * claimed first, so two instances, or a restart, never run it twice. The schedule's `lastDueAt` is
 * advanced with a conditional update, which also advances a rotating broadcast once per due time
 * (whichever instance or server gets there first; the others read the index back).
 *
 * A held server that is not connected (this instance has just taken it over or started, or the
 * connection dropped) has its runs wait until it is, for up to `settleMs` since it was first seen so:
 * a run claimed on a connection still being made would fail at once, and no instance could run that
 * due time again. One still not connected after that has its runs claimed and recorded as failed.
 * The same holds for a server that moves (or drops) between the claim and the send: a run claimed
 * while connected whose step was refused before anything was sent (NotSentError) is marked
 * "handed-over", and whoever holds the server when it is connected takes it over (this instance too).
 * The new holder may get there first, while the claimer (paused, or slow) still shows the run
 * running: it asks again on later passes until the run is handed over or ends.
 *
 * Missed runs: a due time more than `graceMs` in the past (RconDeck was down, or this instance only
 * now holds the server) follows the schedule's policy: "skip" records one skipped run, "run-once"
 * runs once now for all of them. Earlier due times are superseded by the latest one.
 *
 * A restart sequence is claimed when its first warning is due and counts down on the clock; before
 * each warning and before the command its run row must still be "running" (a conditional update),
 * so a cancel from any instance stops it: nothing more is sent.
 */
import {
  leadSeconds,
  readStoredAction,
  warningText,
  type ScheduleAction,
} from "../../../lib/automation/schedules.ts";
import { storedTiming } from "../../data/automation/schedules.ts";
import { isUniqueViolation } from "../../data/players/sql.ts";
import type { Db } from "../../db/client.ts";
import { every, type HubClock } from "../../hub/clock.ts";
import type { HubPort } from "../../hub/port.ts";
import type { TimerHandle } from "../../rcon/clock.ts";
import type { Logger } from "../../rcon/types.ts";
import { performStep, type PerformDeps, type Step, type StepOutcome } from "./perform.ts";
import { dueTimes, type DueTimes } from "./timing.ts";

export interface ScheduleRunnerOptions {
  db: Db;
  logger: Logger;
  clock: HubClock;
  hub: PerformDeps["hub"] & Pick<HubPort, "statusOf">;
  /** The servers this instance holds now (leased mode: its leases; one process: every server). */
  held(): readonly string[];
  tickMs?: number;
  /** Schedules are re-read this often (edits on any instance reach every instance). */
  reloadMs?: number;
  /** A due time later than this is missed and follows the schedule's missed-run policy. */
  graceMs?: number;
  /** How long the runs of a held server that is not connected wait for it. */
  settleMs?: number;
}

interface CachedSchedule {
  id: string;
  name: string;
  ownerId: string | null;
  allServers: boolean;
  serverIds: string[];
  action: ScheduleAction;
  missedRuns: string;
  /** Milliseconds: the due time last handled, or when the schedule was created, edited or enabled. */
  anchor: number;
  /**
   * The anchor is a due time some instance handled: its runs on servers this instance holds may
   * still be to claim (the instance that advanced it holds others). Otherwise only later ones count.
   */
  anchorHandled: boolean;
  times: DueTimes;
}

interface Sequence {
  runId: string;
  timer: TimerHandle | null;
}

type Claimed = { runId: string; serverId: string };

/** The state of a run given back by an instance whose server moved before the send (see handOver). */
const HANDED_OVER = "handed-over";

export class ScheduleRunner {
  private readonly tickMs: number;
  private readonly reloadMs: number;
  private readonly graceMs: number;
  private readonly settleMs: number;
  /** Held servers not connected, and since when (clock ms) this process has seen them so. */
  private readonly unready = new Map<string, number>();
  private schedules: CachedSchedule[] = [];
  private reloadAt = -Infinity;
  /** Per schedule and server, the latest due time this process tried to claim. */
  private readonly attempted = new Map<string, Map<string, number>>();
  /** Per schedule, where the due-time scan got to (so a long downtime is scanned once). */
  private readonly scanned = new Map<string, { anchor: number; at: number; latest: number | null }>();
  private readonly sequences = new Map<string, Sequence>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private ticking: Promise<void> | null = null;
  private stopTicks: (() => void) | null = null;
  private stopped = false;

  constructor(private readonly options: ScheduleRunnerOptions) {
    this.tickMs = options.tickMs ?? 1_000;
    this.reloadMs = options.reloadMs ?? 15_000;
    this.graceMs = options.graceMs ?? 60_000;
    this.settleMs = options.settleMs ?? 15_000;
  }

  start(): void {
    this.stopTicks = every(this.options.clock, this.tickMs, () => void this.tick());
  }

  stop(): void {
    this.stopped = true;
    this.stopTicks?.();
    for (const sequence of this.sequences.values()) this.options.clock.clearTimeout(sequence.timer);
    this.sequences.clear();
  }

  /**
   * After stop(), at shutdown: waits up to `waitMs` for the steps in flight to record their outcome
   * (sent, failed, or handed over once the connections close). Without it the process could exit
   * first, and their runs would show "running" until another instance marked them interrupted a
   * grace period later (the likely cause of a cluster-test failure where a due time met a SIGTERM:
   * the three runs of the leaving instance's servers ended "interrupted").
   */
  async settle(waitMs: number): Promise<void> {
    if (this.inFlight.size === 0) return;
    let release = () => {};
    const bound = new Promise<void>((resolve) => (release = resolve));
    const timer = this.options.clock.setTimeout(() => release(), waitMs);
    await Promise.race([Promise.allSettled([...this.inFlight]), bound]);
    this.options.clock.clearTimeout(timer);
  }

  /** One pass; overlapping calls share the pass in progress. */
  tick(): Promise<void> {
    this.ticking ??= this.pass()
      .catch((error: unknown) =>
        this.options.logger.error("schedule pass failed", { error: String(error).slice(0, 300) }),
      )
      .finally(() => (this.ticking = null));
    return this.ticking;
  }

  /** Settles when no pass, step or sequence step is in flight (tests await it after moving time). */
  async idle(): Promise<void> {
    while (this.ticking || this.inFlight.size > 0) {
      await this.ticking;
      await Promise.all([...this.inFlight]);
    }
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.inFlight.add(promise);
    void promise.finally(() => this.inFlight.delete(promise)).catch(() => undefined);
    return promise;
  }

  private async pass(): Promise<void> {
    if (this.stopped) return;
    const now = this.options.clock.wall();
    if (now >= this.reloadAt) await this.reload(now);
    const held = new Set(this.options.held());
    if (this.schedules.length === 0) return;
    this.noteUnready(held, now);
    for (const schedule of this.schedules) await this.consider(schedule, now, held);
  }

  private noteUnready(held: ReadonlySet<string>, now: number): void {
    for (const id of this.unready.keys()) if (!held.has(id)) this.unready.delete(id);
    for (const id of held)
      if (this.options.hub.statusOf(id).state === "online") this.unready.delete(id);
      else if (!this.unready.has(id)) this.unready.set(id, now);
  }

  /** Connected, or waited for long enough: its runs may be claimed. */
  private ready(serverId: string, now: number): boolean {
    const since = this.unready.get(serverId);
    return since === undefined || now - since >= this.settleMs;
  }

  private async reload(now: number): Promise<void> {
    this.reloadAt = now + this.reloadMs;
    const rows = await this.options.db.automationSchedule.findMany({
      where: { enabled: true },
      include: { servers: { select: { serverId: true } } },
    });
    const next: CachedSchedule[] = [];
    for (const row of rows) {
      const action = readStoredAction(row.action);
      let times: DueTimes;
      try {
        if (!action) throw new Error("the action does not read");
        times = dueTimes(storedTiming(row), row.timeZone);
      } catch (error) {
        this.options.logger.warn("schedule cannot run", {
          schedule: row.id,
          error: String(error).slice(0, 200),
        });
        continue;
      }
      next.push({
        id: row.id,
        name: row.name,
        ownerId: row.ownerId,
        allServers: row.allServers,
        serverIds: row.servers.map((s) => s.serverId),
        action,
        missedRuns: row.missedRuns,
        anchor: (row.lastDueAt ?? row.createdAt).getTime(),
        anchorHandled: row.lastDueAt !== null && (await this.handled(row.id, row.lastDueAt)),
        times,
      });
    }
    this.schedules = next;
    await this.endInterrupted(now);
  }

  private async handled(scheduleId: string, dueAt: Date): Promise<boolean> {
    const run = await this.options.db.automationRun.findFirst({
      where: { scheduleId, dueAt },
      select: { id: true },
    });
    return run !== null;
  }

  /**
   * A sequence whose process stopped mid-way (no timer here, its due time long past) would show
   * "running" for ever: on the servers this instance holds, it is marked failed.
   */
  private async endInterrupted(now: number): Promise<void> {
    const { db } = this.options;
    // Few rows (running ones past their time): read them, then one id list (no list of held servers).
    const stale = await db.automationRun.findMany({
      where: { state: "running", dueAt: { lt: new Date(now - this.graceMs) } },
      select: { id: true, serverId: true },
      take: 500,
    });
    const held = new Set(this.options.held());
    const ids = stale.filter((r) => held.has(r.serverId) && !this.sequences.has(r.id)).map((r) => r.id);
    if (ids.length === 0) return;
    await db.automationRun.updateMany({
      where: { id: { in: ids }, state: "running" },
      data: {
        state: "failed",
        endedAt: new Date(now),
        detail: "Interrupted: RconDeck stopped during the sequence.",
      },
    });
  }

  /** The latest due time whose run should have begun by `now`, and how many came since the anchor. */
  private latestDue(schedule: CachedSchedule, now: number): { dueAt: number; count: number } | null {
    const lead = leadSeconds(schedule.action) * 1000;
    const scan = this.scanned.get(schedule.id);
    let at =
      scan && scan.anchor === schedule.anchor ? scan.at : schedule.anchor - (schedule.anchorHandled ? 1 : 0);
    let latest = scan && scan.anchor === schedule.anchor ? scan.latest : null;
    let count = 0;
    for (;;) {
      const next = schedule.times.next(at);
      if (next === null || next - lead > now) break;
      latest = next;
      at = next;
      count++;
    }
    this.scanned.set(schedule.id, { anchor: schedule.anchor, at, latest });
    return latest === null ? null : { dueAt: latest, count };
  }

  private async consider(schedule: CachedSchedule, now: number, held: ReadonlySet<string>): Promise<void> {
    const due = this.latestDue(schedule, now);
    if (!due) return;
    const { dueAt } = due;
    const tried = this.attempted.get(schedule.id) ?? new Map<string, number>();
    this.attempted.set(schedule.id, tried);
    const targets = (
      schedule.allServers ? [...held] : schedule.serverIds.filter((id) => held.has(id))
    ).filter((id) => (tried.get(id) ?? -Infinity) < dueAt && this.ready(id, now));
    if (targets.length === 0) return;
    for (const id of targets) tried.set(id, dueAt);
    const late = now - dueAt > this.graceMs;
    if (late && schedule.missedRuns !== "run-once") {
      await this.advance(schedule, dueAt, false);
      await this.claimAll(
        schedule,
        dueAt,
        targets,
        "skipped",
        "Missed while RconDeck was not running it: skipped.",
        now,
      );
      return;
    }
    const rotation = await this.advance(schedule, dueAt, schedule.action.type === "broadcast");
    if (rotation === null) return; // a later due time was handled already: this one is superseded
    const note = late ? "Missed while RconDeck was not running it: run once now. " : "";
    const claimed = await this.claimAll(schedule, dueAt, targets, "running", note || null, now);
    const action = schedule.action;
    if (action.type === "restart") {
      // Late: the whole countdown from now; otherwise the warnings still ahead.
      const fireAt = late ? now + leadSeconds(action) * 1000 : dueAt;
      for (const run of claimed) this.startSequence(schedule, run, action, fireAt, note);
      return;
    }
    const step: Step =
      action.type === "broadcast"
        ? { kind: "broadcast", message: action.messages[rotation % action.messages.length] ?? "" }
        : action.type === "custom"
          ? { kind: "custom", commandId: action.commandId, args: action.args, confirmed: action.confirmed }
          : { kind: "command", command: action.command, confirmed: action.confirmed };
    // Claimed connected: a send refused because it no longer is may go to the next holder. Claimed
    // after waiting `settleMs` for a connection: the failure is the outcome.
    const waitedOut = new Set(claimed.filter((run) => this.unready.has(run.serverId)).map((r) => r.serverId));
    await Promise.all(
      claimed.map((run) =>
        this.track(
          performStep(this.deps(), schedule, run.serverId, step).then((outcome) =>
            outcome.notSent && !waitedOut.has(run.serverId)
              ? this.handOver(schedule, run)
              : this.finish(run.runId, outcome, note),
          ),
        ),
      ),
    );
  }

  /**
   * A run that sent nothing because its server moved or dropped since the pass: marked
   * "handed-over" (still a handled due time), so the instance holding the server once it is
   * connected takes it over (claimAll); this one too, after `settleMs` if it still holds it
   * unconnected, and then records it failed.
   */
  private async handOver(schedule: CachedSchedule, run: Claimed): Promise<void> {
    this.attempted.get(schedule.id)?.delete(run.serverId);
    await this.options.db.automationRun
      .updateMany({
        where: { id: run.runId, state: "running" },
        data: {
          state: HANDED_OVER,
          detail: "Handed over: the server moved or dropped before anything was sent.",
        },
      })
      .then(() =>
        this.options.logger.info("schedule run handed over: its server moved or dropped before the send", {
          schedule: schedule.id,
          serverId: run.serverId,
        }),
      )
      .catch((error: unknown) =>
        this.options.logger.error("schedule run not handed over", {
          runId: run.runId,
          error: String(error).slice(0, 200),
        }),
      );
  }

  private deps(): PerformDeps {
    return { db: this.options.db, logger: this.options.logger, hub: this.options.hub };
  }

  /**
   * Moves the schedule's lastDueAt to `dueAt` (and a rotation on by one) unless it is there or
   * past it already. Returns the rotation index that belongs to `dueAt`, or null if a later due
   * time was handled.
   */
  private async advance(schedule: CachedSchedule, dueAt: number, rotate: boolean): Promise<number | null> {
    const { db } = this.options;
    const at = new Date(dueAt);
    await db.automationSchedule.updateMany({
      where: { id: schedule.id, OR: [{ lastDueAt: null }, { lastDueAt: { lt: at } }] },
      data: { lastDueAt: at, ...(rotate ? { rotation: { increment: 1 } } : {}) },
    });
    const row = await db.automationSchedule.findUnique({
      where: { id: schedule.id },
      select: { rotation: true, lastDueAt: true },
    });
    if (!row || (row.lastDueAt && row.lastDueAt.getTime() > dueAt)) return null;
    schedule.anchor = dueAt;
    schedule.anchorHandled = true;
    return rotate ? Math.max(0, row.rotation - 1) : 0;
  }

  /** Claims the run of `dueAt` on each server; only the ones this call created are returned. */
  private async claimAll(
    schedule: CachedSchedule,
    dueAt: number,
    serverIds: readonly string[],
    state: "running" | "skipped",
    detail: string | null,
    now: number,
  ): Promise<Claimed[]> {
    const claimed: Claimed[] = [];
    for (const serverId of serverIds) {
      try {
        const run = await this.options.db.automationRun.create({
          data: {
            scheduleId: schedule.id,
            serverId,
            dueAt: new Date(dueAt),
            state,
            detail,
            startedAt: new Date(now),
            ...(state === "skipped" ? { endedAt: new Date(now) } : {}),
          },
          select: { id: true },
        });
        claimed.push({ runId: run.id, serverId });
      } catch (error) {
        // Claimed by another instance (or before a restart): it runs there, once; unless that
        // instance handed it over, then it is taken here (one conditional update wins).
        if (isUniqueViolation(error)) {
          const taken = await this.takeOver(schedule.id, serverId, dueAt, state, detail, now);
          if (taken === "running elsewhere") this.attempted.get(schedule.id)?.delete(serverId);
          else if (taken !== null) claimed.push({ runId: taken.runId, serverId });
          continue;
        }
        // The server or schedule was deleted meanwhile (foreign key): nothing to run.
        this.options.logger.warn("schedule run not claimed", {
          schedule: schedule.id,
          serverId,
          error: String(error).slice(0, 200),
        });
      }
    }
    return claimed;
  }

  /**
   * The run of a server this instance now holds, claimed elsewhere: taken when handed over;
   * "running elsewhere" while its claimer still has it running, so a later pass asks again (that
   * claimer lost the server: it sends, hands the run over, or the run is marked interrupted); null
   * when it ended there.
   */
  private async takeOver(
    scheduleId: string,
    serverId: string,
    dueAt: number,
    state: "running" | "skipped",
    detail: string | null,
    now: number,
  ): Promise<{ runId: string } | "running elsewhere" | null> {
    const { db } = this.options;
    const key = { scheduleId, serverId, dueAt: new Date(dueAt) };
    const { count } = await db.automationRun.updateMany({
      where: { ...key, state: HANDED_OVER },
      data: { state, detail, startedAt: new Date(now), endedAt: state === "skipped" ? new Date(now) : null },
    });
    const run = await db.automationRun.findFirst({ where: key, select: { id: true, state: true } });
    if (count > 0) return run ? { runId: run.id } : null;
    return run?.state === "running" ? "running elsewhere" : null;
  }

  private async finish(runId: string, outcome: StepOutcome, note = ""): Promise<void> {
    await this.options.db.automationRun
      .updateMany({
        where: { id: runId, state: "running" },
        data: {
          state: outcome.state,
          detail: `${note}${outcome.detail}`.slice(0, 1000),
          endedAt: new Date(this.options.clock.wall()),
        },
      })
      .catch((error: unknown) =>
        this.options.logger.error("schedule run outcome not stored", {
          runId,
          error: String(error).slice(0, 200),
        }),
      );
  }

  private startSequence(
    schedule: CachedSchedule,
    run: Claimed,
    action: Extract<ScheduleAction, { type: "restart" }>,
    fireAt: number,
    note: string,
  ): void {
    const now = this.options.clock.wall();
    // Warnings whose time has passed (the run began late) are not sent: they would say the wrong time.
    const steps: { at: number; step: Step; label: string }[] = action.warnings
      .map((seconds): { at: number; step: Step; label: string } => ({
        at: fireAt - seconds * 1000,
        step: { kind: "broadcast", message: warningText(action.message, seconds) },
        label: `warning "${warningText(action.message, seconds)}"`,
      }))
      .filter((s) => s.at >= now - this.tickMs);
    steps.push({
      at: fireAt,
      step: { kind: "command", command: action.command, confirmed: action.confirmed },
      label: "the restart command",
    });
    const sequence: Sequence = { runId: run.runId, timer: null };
    this.sequences.set(run.runId, sequence);
    const next = (index: number) => {
      const entry = steps[index];
      if (!entry || this.stopped) return;
      const go = () => {
        sequence.timer = null;
        void this.track(this.runStep(schedule, run, entry, index === steps.length - 1, note)).then((goOn) => {
          if (goOn) next(index + 1);
          else this.sequences.delete(run.runId);
        });
      };
      const delay = entry.at - this.options.clock.wall();
      // A step already due goes now (a timer of 0 would wait for the clock's next turn).
      if (delay <= 0) go();
      else sequence.timer = this.options.clock.setTimeout(go, delay);
    };
    next(0);
  }

  /** One step of a sequence; false when the sequence ends here (cancelled, refused, or done). */
  private async runStep(
    schedule: CachedSchedule,
    run: Claimed,
    entry: { step: Step; label: string },
    last: boolean,
    note: string,
  ): Promise<boolean> {
    const { db } = this.options;
    // The cancel check and the step's record in one conditional write: a cancelled run sends nothing.
    const { count } = await db.automationRun.updateMany({
      where: { id: run.runId, state: "running" },
      data: { detail: `${note}Sending ${entry.label}.`.slice(0, 1000) },
    });
    if (count === 0) return false;
    const outcome = await performStep(this.deps(), schedule, run.serverId, entry.step);
    if (outcome.state === "refused") {
      await this.finish(run.runId, outcome, note);
      return false;
    }
    if (last) {
      await this.finish(run.runId, outcome, note);
      return false;
    }
    if (outcome.state === "failed")
      // A warning that did not reach the game (offline a moment) does not stop the restart.
      await db.automationRun.updateMany({
        where: { id: run.runId, state: "running" },
        data: { detail: `${note}Warning not sent: ${outcome.detail}`.slice(0, 1000) },
      });
    return true;
  }
}

/** The composition root's one line: a started runner over the local hub (it stops with the process). */
export function startScheduleRunner(options: ScheduleRunnerOptions): ScheduleRunner {
  const runner = new ScheduleRunner(options);
  runner.start();
  return runner;
}
