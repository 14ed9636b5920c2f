import { memo } from "react";
import type { ColourRule } from "@/lib/colour-codes";
import type { ConsoleRow } from "@/lib/console/rows";
import type { NameMatcher } from "@/lib/players/name-matcher";
import type { ConsoleKind, ConsoleLineMessage } from "@/lib/realtime/contract";
import { cn } from "@/lib/utils";
import { ColouredText } from "./coloured-text";

export const KIND_LABELS: Record<ConsoleKind, string> = {
  command: "Commands",
  answer: "Answers",
  chat: "Chat",
  join: "Joins",
  leave: "Leaves",
  admin: "Admin",
  system: "System",
  watch: "Watch list",
};

const KIND_BADGES: Record<ConsoleKind, { text: string; className: string }> = {
  command: { text: "cmd", className: "text-indigo-700 dark:text-indigo-300" },
  answer: { text: "ans", className: "text-zinc-500" },
  chat: { text: "chat", className: "text-sky-700 dark:text-sky-300" },
  join: { text: "join", className: "text-emerald-700 dark:text-emerald-400" },
  leave: { text: "leave", className: "text-amber-700 dark:text-amber-400" },
  admin: { text: "admin", className: "text-fuchsia-700 dark:text-fuchsia-300" },
  system: { text: "sys", className: "text-zinc-500" },
  watch: { text: "watch", className: "font-semibold text-red-700 dark:text-red-400" },
};

/** Answers longer than this are collapsed to their first lines until expanded. */
export const COLLAPSE_LINES = 40;

const timeFormat = new Intl.DateTimeFormat(undefined, {
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hour12: false,
});

function Time({ at }: { at: string }) {
  return (
    <time dateTime={at} className="shrink-0 tabular-nums text-zinc-500" title={at}>
      {timeFormat.format(new Date(at))}
    </time>
  );
}

function AnswerBlock({
  answer,
  rule,
  expanded,
  onToggle,
}: {
  answer: ConsoleLineMessage;
  rule: ColourRule | null;
  expanded: boolean;
  onToggle: (seq: number) => void;
}) {
  // Counting newlines is cheap even for a 100 kB answer; splitting it is not needed unless collapsed.
  let count = 1;
  for (let i = answer.text.indexOf("\n"); i !== -1; i = answer.text.indexOf("\n", i + 1)) count++;
  const collapsed = !expanded && count > COLLAPSE_LINES;
  let text = answer.text;
  if (collapsed) {
    let cut = -1;
    for (let n = 0; n < COLLAPSE_LINES; n++) cut = text.indexOf("\n", cut + 1);
    text = text.slice(0, cut);
  }
  return (
    <div
      className="mt-0.5 border-l-2 border-zinc-300 pl-2 dark:border-zinc-700"
      data-kind="answer"
      data-seq={answer.seq}
    >
      <pre className="whitespace-pre-wrap break-words font-mono text-zinc-800 dark:text-zinc-200">
        {answer.text === "" ? (
          <span className="italic text-zinc-500">(empty answer)</span>
        ) : (
          <ColouredText text={text} rule={rule} />
        )}
      </pre>
      {count > COLLAPSE_LINES ? (
        <button
          type="button"
          className="mt-1 text-xs font-medium text-indigo-700 underline dark:text-indigo-300"
          onClick={() => onToggle(answer.seq)}
        >
          {collapsed ? `Show all ${count.toLocaleString()} lines` : "Show fewer lines"}
        </button>
      ) : null}
    </div>
  );
}

/**
 * A line's text with the names of players on the server as buttons that open their profile.
 * Only event lines (joins, chat...) get them: a 100 kB `status` answer stays plain text.
 */
function LinkedText({
  text,
  rule,
  matcher,
  onOpenPlayer,
}: {
  text: string;
  rule: ColourRule | null;
  matcher: NameMatcher | null;
  onOpenPlayer: ((playerId: string) => void) | null;
}) {
  const segments = matcher && onOpenPlayer ? matcher.split(text) : null;
  if (!segments || !onOpenPlayer || (segments.length === 1 && segments[0]?.playerId === null))
    return <ColouredText text={text} rule={rule} />;
  return (
    <>
      {segments.map((segment, i) =>
        segment.playerId === null ? (
          <ColouredText key={i} text={segment.text} rule={rule} />
        ) : (
          <button
            key={i}
            type="button"
            aria-haspopup="dialog"
            title="Open the player's profile"
            className="rounded-sm underline decoration-dotted underline-offset-2 hover:decoration-solid focus-visible:outline-2 focus-visible:outline-indigo-500"
            onClick={() => onOpenPlayer(segment.playerId!)}
          >
            <ColouredText text={segment.text} rule={rule} />
          </button>
        ),
      )}
    </>
  );
}

/** One row of the console: a line, or a command with its answer(s) under it. */
export const ConsoleRowView = memo(function ConsoleRowView({
  row,
  rule,
  expanded,
  onToggle,
  matcher = null,
  onOpenPlayer = null,
}: {
  row: ConsoleRow;
  rule: ColourRule | null;
  expanded: ReadonlySet<number>;
  onToggle: (seq: number) => void;
  /** The names of players on the server (with a record), to open their profile from a line. */
  matcher?: NameMatcher | null;
  onOpenPlayer?: ((playerId: string) => void) | null;
}) {
  const { line } = row;
  const badge = KIND_BADGES[line.kind];
  const isCommand = line.kind === "command";
  const isAnswer = line.kind === "answer";
  return (
    <div
      className={cn(
        "flex gap-2 px-3 py-0.5 font-mono text-xs leading-5",
        // A watched player joined: the row must stand out while scrolling past.
        line.kind === "watch" &&
          "border-l-4 border-red-600 bg-red-50 font-semibold text-red-900 dark:bg-red-950/70 dark:text-red-100",
      )}
      data-kind={line.kind}
      data-seq={line.seq}
    >
      <Time at={line.at} />
      <span className={cn("w-10 shrink-0 text-right uppercase", badge.className)}>{badge.text}</span>
      <div className="min-w-0 flex-1">
        {isCommand ? (
          <p className="whitespace-pre-wrap break-words font-semibold">
            <span aria-hidden="true" className="text-indigo-600 dark:text-indigo-400">
              &gt;{" "}
            </span>
            <span className="sr-only">Command: </span>
            {line.text}
            {line.actorName ? (
              <span className="ml-2 font-normal text-zinc-500">— {line.actorName}</span>
            ) : null}
          </p>
        ) : isAnswer ? (
          <AnswerBlock answer={line} rule={rule} expanded={expanded.has(line.seq)} onToggle={onToggle} />
        ) : (
          <p className="whitespace-pre-wrap break-words">
            <LinkedText text={line.text} rule={rule} matcher={matcher} onOpenPlayer={onOpenPlayer} />
            {line.actorName ? <span className="ml-2 text-zinc-500">— {line.actorName}</span> : null}
          </p>
        )}
        {row.answers.map((answer) => (
          <AnswerBlock
            key={answer.seq}
            answer={answer}
            rule={rule}
            expanded={expanded.has(answer.seq)}
            onToggle={onToggle}
          />
        ))}
      </div>
    </div>
  );
});
