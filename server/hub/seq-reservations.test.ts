/**
 * Console seqs come from blocks reserved in the database before use: a hub SIGKILLed mid-stream
 * (a real child process) and started again on the same database hands out only seqs greater than
 * every seq it handed out before, so a browser resuming with afterSeq never skips a line.
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encryptSecret } from "../security/crypto.ts";
import { DATABASE_KINDS, type TestDatabase } from "../testing/databases.ts";
import { SeqReservations } from "./seq-reservations.ts";

const KEY = Buffer.alloc(32, 7);
const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** Runs the crash child until it printed `count` seqs, then SIGKILLs it; returns what it printed. */
async function runUntilKilled(url: string, serverId: string, count: number): Promise<number[]> {
  const child = spawn(process.execPath, ["--import", "tsx", "server/hub/testing/crash-child.ts"], {
    env: { ...process.env, DATABASE_URL: url, SERVER_ID: serverId },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const seqs: number[] = [];
  for await (const line of createInterface({ input: child.stdout })) {
    seqs.push(Number(line));
    if (seqs.length === count) child.kill("SIGKILL");
  }
  await exited;
  return seqs;
}

describe.each(DATABASE_KINDS)("console seq reservations on $kind", ({ create }) => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await create();
  });
  afterAll(async () => {
    await t.drop();
  });

  const addServer = async () =>
    (
      await t.db.server.create({
        data: {
          name: "S",
          game: "cs2",
          protocol: "source",
          host: "127.0.0.1",
          port: 1,
          passwordEncrypted: encryptSecret("pw", KEY),
        },
      })
    ).id;

  it("a hub SIGKILLed mid-stream never hands out a seq again after a restart", async () => {
    const id = await addServer();
    const before = await runUntilKilled(t.url, id, 3_000);
    const stored = new Set(
      (await t.db.consoleLine.findMany({ where: { serverId: id }, select: { seq: true } })).map((r) => r.seq),
    );
    const lost = before.filter((seq) => !stored.has(seq));
    const after = await runUntilKilled(t.url, id, 100);
    console.log(
      `[${t.kind}] SIGKILL after ${before.length} lines: ${lost.length} handed out but not written; seqs before up to ${Math.max(...before)}, after from ${Math.min(...after)}`,
    );
    expect(Math.min(...after)).toBeGreaterThan(Math.max(...before));
    // Seqs are unique within each run.
    expect(new Set(before).size).toBe(before.length);
    expect(new Set(after).size).toBe(after.length);
  }, 60_000);

  it("hands out reserved seqs only, raises the mark in the background, and waits when the database is a whole block behind", async () => {
    const id = await addServer();
    const seqs = new SeqReservations(t.db, silent, 4);
    await seqs.prepare([id]);
    expect((await t.db.server.findUniqueOrThrow({ where: { id } })).consoleSeqReserved).toBe(4);
    expect([seqs.next(id), seqs.next(id), seqs.next(id)]).toEqual([1, 2, 3]); // over half the block used: a raise to 7 starts
    await seqs.ready(id);
    expect((await t.db.server.findUniqueOrThrow({ where: { id } })).consoleSeqReserved).toBe(7);
    expect([seqs.next(id), seqs.next(id), seqs.next(id), seqs.next(id)]).toEqual([4, 5, 6, 7]);
    expect(seqs.next(id)).toBeNull(); // the raise to 10 is still being written
    await seqs.ready(id);
    expect(seqs.next(id)).toBe(8);
    expect(seqs.last(id)).toBe(8);
    // Another instance (a restart) starts after everything reserved so far.
    const again = new SeqReservations(t.db, silent, 4);
    await again.prepare([id]);
    expect(again.next(id)).toBe(11);
    expect(seqs.next("unknown")).toBeNull();
  });

  it("a deleted server gets no more seqs, and thousands of servers are prepared in chunks", async () => {
    const ids = await Promise.all(Array.from({ length: 1_200 }, addServer));
    const seqs = new SeqReservations(t.db, silent, 2);
    await seqs.prepare(ids);
    expect(ids.every((id) => seqs.has(id))).toBe(true);
    const [first] = ids;
    if (!first) throw new Error("no server");
    await t.db.server.delete({ where: { id: first } });
    expect([seqs.next(first), seqs.next(first)]).toEqual([1, 2]);
    await seqs.ready(first); // the raise finds the row gone
    expect(seqs.next(first)).toBeNull();
    await seqs.ready(first);
    seqs.forget(first);
    expect(seqs.has(first)).toBe(false);
  }, 60_000);
});
