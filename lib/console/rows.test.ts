import { describe, expect, it } from "vitest";
import { CONSOLE_KINDS, type ConsoleKind, type ConsoleLineMessage } from "../realtime/contract.ts";
import { buildRows } from "./rows.ts";

let seq = 0;
function line(
  kind: ConsoleKind,
  text: string,
  replyTo: number | null = null,
  actorName: string | null = null,
): ConsoleLineMessage {
  seq++;
  return { serverId: "s1", seq, at: new Date(0).toISOString(), kind, text, actorName, replyTo };
}

const ALL = new Set<ConsoleKind>(CONSOLE_KINDS);
const without = (...kinds: ConsoleKind[]) => new Set(CONSOLE_KINDS.filter((k) => !kinds.includes(k)));

describe("buildRows", () => {
  const cmd = line("command", "status", null, "Olga");
  const chat = line("chat", "(Global) ^1Zoë^7: привет all");
  const answer = line("answer", "map: q3dm17\nnum score ping name\n  0     5   40 ^4Тигр^7", cmd.seq);
  const join = line("join", "Player #3 李小龙 connected");
  const orphan = line("answer", "answer to a command scrolled out of memory", 1_000);
  const lines = [cmd, chat, answer, join, orphan];

  it("places each answer under its command even with other lines in between", () => {
    const rows = buildRows(lines, { kinds: ALL, search: "", colourRule: "ioq3" });
    expect(rows.map((r) => r.line.seq)).toEqual([cmd.seq, chat.seq, join.seq, orphan.seq]);
    expect(rows[0]?.answers.map((a) => a.seq)).toEqual([answer.seq]);
  });

  it("filters by kind; answers follow their command", () => {
    expect(
      buildRows(lines, { kinds: new Set<ConsoleKind>(["chat"]), search: "", colourRule: null }).map(
        (r) => r.line.seq,
      ),
    ).toEqual([chat.seq]);
    const noAnswers = buildRows(lines, { kinds: without("answer"), search: "", colourRule: null });
    expect(noAnswers[0]?.answers).toEqual([]);
    expect(noAnswers.map((r) => r.line.seq)).toEqual([cmd.seq, chat.seq, join.seq]);
    // Commands hidden: their answers stand alone.
    const answersOnly = buildRows(lines, {
      kinds: new Set<ConsoleKind>(["answer"]),
      search: "",
      colourRule: null,
    });
    expect(answersOnly.map((r) => r.line.seq)).toEqual([answer.seq, orphan.seq]);
  });

  it("searches without colour codes, case-insensitively, in non-Latin text and actor names", () => {
    const search = (q: string) =>
      buildRows(lines, { kinds: ALL, search: q, colourRule: "ioq3" }).map((r) => r.line.seq);
    expect(search("zoë:")).toEqual([chat.seq]);
    expect(search("ПРИВЕТ")).toEqual([chat.seq]);
    expect(search("李小龙")).toEqual([join.seq]);
    expect(search("olga")).toEqual([cmd.seq]);
    // A match inside the answer keeps the command row, with its answer.
    expect(search("тигр")).toEqual([cmd.seq]);
    expect(search("nothing like this")).toEqual([]);
  });

  it("keeps a long answer as one row", () => {
    const big = line("command", "cvarlist");
    const text = Array.from({ length: 3000 }, (_, i) => `sv_cvar_${i} "value ${i}"`).join("\n");
    const rows = buildRows([big, line("answer", text, big.seq)], {
      kinds: ALL,
      search: "",
      colourRule: null,
    });
    expect(rows).toHaveLength(1);
    expect(rows[0]?.answers[0]?.text.length).toBeGreaterThan(50_000);
  });
});
