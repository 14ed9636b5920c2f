"use client";

import { SearchInput } from "@/components/ui/search-input";
/**
 * The live console of one server: kind filters, search, a virtualised log (only the rows on screen
 * are in the DOM, each measured, so 100,000 lines or one 100 kB answer stay smooth), auto-scroll
 * that pauses when the user scrolls up with a "Jump to live" control, and the command input for
 * users who may run commands. Data comes from useServerStream (components/realtime).
 */
import { useVirtualizer } from "@tanstack/react-virtual";
import { useCallback, useDeferredValue, useMemo, useRef, useState } from "react";
import type { ColourRule } from "@/lib/colour-codes";
import { buildRows } from "@/lib/console/rows";
import { commandSlug, type RunnableCommand } from "@/lib/commands/definition";
import type { NameMatcher } from "@/lib/players/name-matcher";
import {
  CONSOLE_KINDS,
  type ConsoleKind,
  type ConsoleLineMessage,
  type CommandInfoMessage,
  type ServerStatusMessage,
} from "@/lib/realtime/contract";
import type { Result } from "@/lib/result";
import { cn } from "@/lib/utils";
import { useOpenProfile } from "@/components/players/profile/profile-drawer";
import { Button } from "@/components/ui/button";
import { CommandInput } from "./command-input";
import { ConnectionBanner } from "./connection-banner";
import { ConsoleRowView, KIND_LABELS } from "./console-line";

interface Props {
  lines: readonly ConsoleLineMessage[];
  ready: boolean;
  status: ServerStatusMessage | null;
  colourRule: ColourRule | null;
  commands: readonly CommandInfoMessage[];
  playerNames: readonly string[];
  commandHistory: readonly string[];
  canExecute: boolean;
  canLoadOlder: boolean;
  onLoadOlder: () => Promise<void>;
  /** `confirmed`: the user confirmed a command the game marks dangerous (second click). */
  onExec: (
    command: string,
    confirmed?: boolean,
  ) => Promise<Result<{ command: ConsoleLineMessage; answer: ConsoleLineMessage }>>;
  /** Custom commands this user may run here: Tab completes them as "/name"; Enter opens or runs one. */
  customCommands?: readonly RunnableCommand[];
  onCustomCommand?: (commandId: string) => void;
  /** Names of the players on the server that open their profile (components/console/use-name-matcher.ts). */
  nameMatcher?: NameMatcher | null;
  className?: string;
}

const END_THRESHOLD_PX = 32;
const NO_CUSTOM: readonly RunnableCommand[] = [];

export function ConsolePanel(props: Props) {
  const {
    lines,
    ready,
    status,
    colourRule,
    commands,
    playerNames,
    commandHistory,
    canExecute,
    canLoadOlder,
    onLoadOlder,
    onExec,
    customCommands = NO_CUSTOM,
    onCustomCommand,
    nameMatcher = null,
    className,
  } = props;
  const openProfile = useOpenProfile();
  const [kinds, setKinds] = useState<ReadonlySet<ConsoleKind>>(() => new Set(CONSOLE_KINDS));
  const [search, setSearch] = useState("");
  const deferredSearch = useDeferredValue(search);
  const [expanded, setExpanded] = useState<ReadonlySet<number>>(() => new Set());
  const [atEnd, setAtEnd] = useState(true);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const scrollRef = useRef<HTMLDivElement>(null);

  const rows = useMemo(
    () => buildRows(lines, { kinds, search: deferredSearch, colourRule }),
    [lines, kinds, deferredSearch, colourRule],
  );

  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualiser re-renders this component itself; no memoised child keeps its functions
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => 22,
    getItemKey: (index) => rows[index]?.line.seq ?? index,
    overscan: 12,
    // Chat-style list: stick to the newest row while the user is at the end, keep the user's place otherwise.
    anchorTo: "end",
    followOnAppend: true,
    scrollEndThreshold: END_THRESHOLD_PX,
  });

  const onScroll = useCallback(() => {
    const el = scrollRef.current;
    if (!el) return;
    setAtEnd(el.scrollHeight - el.scrollTop - el.clientHeight <= END_THRESHOLD_PX);
  }, []);

  const jumpToLive = useCallback(() => {
    virtualizer.scrollToEnd();
    setAtEnd(true);
  }, [virtualizer]);

  const toggleExpanded = useCallback((seq: number) => {
    setExpanded((previous) => {
      const next = new Set(previous);
      if (next.has(seq)) next.delete(seq);
      else next.add(seq);
      return next;
    });
  }, []);

  const toggleKind = (kind: ConsoleKind) =>
    setKinds((previous) => {
      const next = new Set(previous);
      if (next.has(kind)) next.delete(kind);
      else next.add(kind);
      return next;
    });

  const exec = useCallback(
    async (command: string, confirmed?: boolean) => {
      // Running a command means the user wants to see its answer: follow the live end again.
      virtualizer.scrollToEnd();
      setAtEnd(true);
      return onExec(command, confirmed);
    },
    [onExec, virtualizer],
  );

  const completion = useMemo(
    () => ({
      commands: [
        ...(canExecute ? commands.map((c) => c.name) : []),
        ...customCommands.map((c) => commandSlug(c.name)),
      ],
      playerNames,
    }),
    [canExecute, commands, customCommands, playerNames],
  );
  // "/name" picks a custom command (the panel opens its form); anything else is a raw command.
  const custom = useCallback(
    (input: string) => {
      const slug = input.trim().split(/\s+/, 1)[0] ?? "";
      const command = slug.startsWith("/")
        ? customCommands.find((c) => commandSlug(c.name) === slug)
        : undefined;
      if (!command || !onCustomCommand) return null;
      onCustomCommand(command.id);
      return command.name;
    },
    [customCommands, onCustomCommand],
  );
  const items = virtualizer.getVirtualItems();
  const filtered = kinds.size < CONSOLE_KINDS.length || deferredSearch.trim() !== "";

  return (
    <section
      aria-labelledby="console-heading"
      className={cn(
        "flex min-h-0 flex-col rounded-lg border border-zinc-200 bg-white shadow-sm dark:border-zinc-800 dark:bg-zinc-900",
        className,
      )}
    >
      <div className="space-y-2 border-b border-zinc-200 p-3 dark:border-zinc-800">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <h2 id="console-heading" className="font-semibold">
            Console
          </h2>
          <SearchInput label="Search console" value={search} onChange={setSearch} className="w-44" />
        </div>
        <div role="group" aria-label="Show line kinds" className="flex flex-wrap gap-1">
          {CONSOLE_KINDS.map((kind) => (
            <button
              key={kind}
              type="button"
              aria-pressed={kinds.has(kind)}
              onClick={() => toggleKind(kind)}
              className={cn(
                "rounded-full border px-2 py-0.5 text-xs font-medium",
                kinds.has(kind)
                  ? "border-indigo-600 bg-indigo-50 text-indigo-800 dark:border-indigo-400 dark:bg-indigo-950 dark:text-indigo-200"
                  : "border-zinc-300 text-zinc-500 dark:border-zinc-700",
              )}
            >
              {KIND_LABELS[kind]}
            </button>
          ))}
        </div>
        <ConnectionBanner status={status} />
      </div>

      <div className="relative min-h-0 flex-1">
        <div
          ref={scrollRef}
          onScroll={onScroll}
          role="log"
          aria-label="Console output"
          aria-live="off"
          tabIndex={0}
          className="h-[55vh] min-h-64 overflow-y-auto bg-zinc-50 py-1 focus-visible:outline-2 focus-visible:outline-indigo-500 xl:h-full xl:min-h-0 dark:bg-zinc-950"
        >
          {canLoadOlder && !filtered ? (
            <div className="flex justify-center py-1">
              <Button
                variant="ghost"
                className="text-xs"
                disabled={loadingOlder}
                onClick={() => {
                  setLoadingOlder(true);
                  void onLoadOlder().finally(() => setLoadingOlder(false));
                }}
              >
                Load older lines
              </Button>
            </div>
          ) : null}
          {!ready ? <p className="px-3 py-2 text-sm text-zinc-500">Loading console history…</p> : null}
          {ready && rows.length === 0 ? (
            <p className="px-3 py-2 text-sm text-zinc-500">
              {filtered ? "No lines match." : "No console lines yet."}
            </p>
          ) : null}
          <div style={{ height: virtualizer.getTotalSize(), position: "relative", width: "100%" }}>
            {items.map((item) => {
              const row = rows[item.index];
              if (!row) return null;
              return (
                <div
                  key={item.key}
                  data-index={item.index}
                  ref={virtualizer.measureElement}
                  style={{
                    position: "absolute",
                    top: 0,
                    left: 0,
                    width: "100%",
                    transform: `translateY(${item.start}px)`,
                  }}
                >
                  <ConsoleRowView
                    row={row}
                    rule={colourRule}
                    expanded={expanded}
                    onToggle={toggleExpanded}
                    matcher={nameMatcher}
                    onOpenPlayer={openProfile}
                  />
                </div>
              );
            })}
          </div>
        </div>
        {!atEnd && rows.length > 0 ? (
          <Button className="absolute bottom-3 right-4 shadow-lg" onClick={jumpToLive}>
            Jump to live
          </Button>
        ) : null}
      </div>

      {canExecute || customCommands.length > 0 ? (
        <CommandInput
          initialHistory={commandHistory}
          completion={completion}
          disabled={!ready}
          disabledReason={ready ? null : "Waiting for the console…"}
          onExec={exec}
          onCustom={custom}
          rawAllowed={canExecute}
        />
      ) : (
        <p className="border-t border-zinc-200 px-3 py-2 text-xs text-zinc-500 dark:border-zinc-800">
          Your role can read this console but not run commands.
        </p>
      )}
    </section>
  );
}
