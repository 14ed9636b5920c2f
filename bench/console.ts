/**
 * The browser console's data path without a browser: merging live lines into a 100,000-line
 * buffer (what each 100 ms flush does) and rebuilding the visible rows (what each filter change,
 * search keystroke or flush does), including one 100 kB `cvarlist` answer. Prints milliseconds.
 * `npm run bench -- console [lines]`
 */
import { performance } from "node:perf_hooks";
import { mergeLines } from "../lib/console/lines.ts";
import { buildRows } from "../lib/console/rows.ts";
import { CONSOLE_KINDS, type ConsoleKind, type ConsoleLineMessage } from "../lib/realtime/contract.ts";

const KINDS: ConsoleKind[] = ["chat", "join", "leave", "system", "admin"];

function makeLine(seq: number): ConsoleLineMessage {
  return {
    serverId: "bench",
    seq,
    at: new Date(1_700_000_000_000 + seq * 250).toISOString(),
    kind: KINDS[seq % KINDS.length] ?? "system",
    text: `(Global) ^${seq % 8}Player ${seq % 97}^7: message number ${seq} привет 你好`,
    actorName: null,
    replyTo: null,
  };
}

function time(label: string, rounds: number, run: () => void): void {
  run(); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    run();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  const median = samples[Math.floor(samples.length / 2)] ?? 0;
  const worst = samples[samples.length - 1] ?? 0;
  console.log(
    `${label.padEnd(58)} median ${median.toFixed(2).padStart(8)} ms   worst ${worst.toFixed(2).padStart(8)} ms`,
  );
}

export function main(args: string[]): Promise<void> {
  const total = Number(args[0] ?? 100_000);
  let lines: readonly ConsoleLineMessage[] = [];
  const build = performance.now();
  for (let seq = 1; seq <= total; seq += 10)
    lines = mergeLines(
      lines,
      Array.from({ length: 10 }, (_, i) => makeLine(seq + i)),
    );
  console.log(
    `filled ${lines.length} lines in batches of 10: ${(performance.now() - build).toFixed(0)} ms total`,
  );

  // A 100 kB cvarlist: one command and one answer line.
  const cvarlist = Array.from({ length: 3000 }, (_, i) => `S     A sv_cvar_${i} "value ${i}"`).join("\n");
  const commandSeq = total + 1;
  lines = mergeLines(lines, [
    { ...makeLine(commandSeq), kind: "command", text: "cvarlist", actorName: "Olga" },
    { ...makeLine(commandSeq + 1), kind: "answer", text: cvarlist, replyTo: commandSeq },
  ]);
  console.log(`cvarlist answer: ${(cvarlist.length / 1024).toFixed(0)} kB in one line`);

  let next = commandSeq + 2;
  time("mergeLines: append a batch of 10 live lines (full buffer)", 50, () => {
    lines = mergeLines(
      lines,
      Array.from({ length: 10 }, () => makeLine(next++)),
    );
  });
  time("mergeLines: resume batch overlapping the last 200 lines", 20, () => {
    const from = next - 200;
    mergeLines(
      lines,
      Array.from({ length: 210 }, (_, i) => makeLine(from + i)),
    );
  });
  const all = new Set<ConsoleKind>(CONSOLE_KINDS);
  time(
    "buildRows: every kind, no search",
    20,
    () => void buildRows(lines, { kinds: all, search: "", colourRule: "ioq3" }),
  );
  time(
    "buildRows: chat only",
    20,
    () => void buildRows(lines, { kinds: new Set<ConsoleKind>(["chat"]), search: "", colourRule: "ioq3" }),
  );
  time(
    "buildRows: search 'player 42:' (text cache warm)",
    20,
    () => void buildRows(lines, { kinds: all, search: "player 42:", colourRule: "ioq3" }),
  );
  time(
    "buildRows: search inside the cvarlist answer",
    20,
    () => void buildRows(lines, { kinds: all, search: "sv_cvar_2999", colourRule: "ioq3" }),
  );
  return Promise.resolve();
}
