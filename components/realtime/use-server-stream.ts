"use client";

/**
 * Live state of one game server for the server page: `server:subscribe` returns the snapshot
 * (status, players, recent console history, command catalogue, this user's command history), then
 * `console:line`, `players:update` and `players:delta` (with `players:live`: pings and scores
 * alone) and `server:status` keep it current. Lines merge on `seq`, so the seam between history and
 * live lines never loses or doubles a line. After socket.io reconnects, the hook subscribes again
 * with `afterSeq` = the last line it holds and merges what it missed. A live line that skips seqs (a
 * message lost between RconDeck instances), or a player list delta made from another list than the
 * one held (lib/realtime/player-delta.ts), triggers the same resume once, after a short pause
 * (lib/console/seq-gaps.ts).
 */
import { useCallback, useEffect, useRef, useState } from "react";
import type { ArgumentValues } from "@/lib/commands/arguments";
import { mergeLines } from "@/lib/console/lines";
import { PlayerListFollower, type PlayerListDelta, type PlayersRevision } from "@/lib/realtime/player-delta";
import { GapRefetcher } from "@/lib/console/seq-gaps";
import type {
  CommandInfoMessage,
  ConsoleLineMessage,
  PlayerLiveFields,
  PlayerView,
  ServerCapabilitiesMessage,
  ServerStatusMessage,
  WatchNoticeMessage,
} from "@/lib/realtime/contract";
import type { Result } from "@/lib/result";
import type { BanScopeInput } from "@/lib/schemas/bans";
import { useRealtime } from "./realtime-provider";
import { request } from "./request";

/** Live lines are applied in small batches: a chatty server re-renders at most ~10 times a second. */
const FLUSH_MS = 100;

export interface ServerStream {
  /** False until the first snapshot arrived. */
  ready: boolean;
  /** Why the subscription failed (no permission, server removed...). */
  error: string | null;
  status: ServerStatusMessage | null;
  players: PlayerView[];
  lines: readonly ConsoleLineMessage[];
  commands: CommandInfoMessage[];
  capabilities: ServerCapabilitiesMessage | null;
  commandHistory: string[];
  /** Whether older lines may exist before the first one held. */
  canLoadOlder: boolean;
  loadOlder: () => Promise<void>;
  exec: (command: string) => Promise<Result<{ command: ConsoleLineMessage; answer: ConsoleLineMessage }>>;
  /** Runs a custom command (commands:run); its command and answer join the console like exec's. */
  runCustom: (
    commandId: string,
    args: ArgumentValues,
    confirmed: boolean,
  ) => Promise<Result<{ command: ConsoleLineMessage; answer: ConsoleLineMessage }>>;
  kick: (playerId: string, reason: string) => Promise<Result<{ message: string }>>;
  message: (playerId: string, message: string) => Promise<Result<{ message: string }>>;
  ban: (
    playerId: string,
    input: { reason: string; duration: string; target: BanScopeInput },
  ) => Promise<Result<{ message: string }>>;
  /** Watched players who joined since the page opened, newest first, until dismissed. */
  watchNotices: WatchNoticeMessage[];
  dismissWatch: (notice: WatchNoticeMessage) => void;
}

// A raid of flagged accounts must not bury the page under alerts.
const MAX_WATCH_NOTICES = 5;

export function useServerStream(serverId: string): ServerStream {
  const { socket, connected, connection } = useRealtime();
  const [ready, setReady] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<ServerStatusMessage | null>(null);
  const [players, setPlayers] = useState<PlayerView[]>([]);
  const [lines, setLines] = useState<readonly ConsoleLineMessage[]>([]);
  const [commands, setCommands] = useState<CommandInfoMessage[]>([]);
  const [capabilities, setCapabilities] = useState<ServerCapabilitiesMessage | null>(null);
  const [commandHistory, setCommandHistory] = useState<string[]>([]);
  const [canLoadOlder, setCanLoadOlder] = useState(false);
  const [watchNotices, setWatchNotices] = useState<WatchNoticeMessage[]>([]);

  // Lines waiting for the next flush, and the highest seq seen from any source (resume point).
  const pending = useRef<ConsoleLineMessage[]>([]);
  const flushTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const maxSeq = useRef<number | null>(null);
  const linesRef = useRef<readonly ConsoleLineMessage[]>([]);
  // The list and its revision, read synchronously when a delta arrives (state updates are not).
  const follower = useRef(new PlayerListFollower());
  const showPlayers = useCallback((change: (list: PlayerListFollower) => void) => {
    const before = follower.current.players;
    change(follower.current);
    if (follower.current.players !== before) setPlayers(follower.current.players);
  }, []);

  const flush = useCallback(() => {
    flushTimer.current = null;
    const batch = pending.current;
    if (batch.length === 0) return;
    pending.current = [];
    setLines((previous) => {
      const next = mergeLines(previous, batch);
      linesRef.current = next;
      return next;
    });
  }, []);

  const addLines = useCallback(
    (incoming: readonly ConsoleLineMessage[], immediately = false) => {
      for (const line of incoming) {
        if (line.serverId !== serverId) continue;
        pending.current.push(line);
        if (maxSeq.current === null || line.seq > maxSeq.current) maxSeq.current = line.seq;
      }
      if (immediately) {
        if (flushTimer.current) clearTimeout(flushTimer.current);
        flush();
      } else if (!flushTimer.current) {
        // A very long console re-filters more slowly: batch more lines per render.
        flushTimer.current = setTimeout(flush, linesRef.current.length > 20_000 ? FLUSH_MS * 3 : FLUSH_MS);
      }
    },
    [serverId, flush],
  );

  // Live events of this server. Registered before the subscribe below, so nothing sent between the
  // join and the snapshot is missed (duplicates are dropped by the seq merge).
  useEffect(() => {
    if (!socket) return;
    const gaps = new GapRefetcher(async (afterSeq) => {
      const result = await request(
        socket,
        "server:subscribe",
        afterSeq === null ? { serverId } : { serverId, afterSeq },
      );
      if (!result.ok) return;
      setStatus(result.data.status);
      const { players: list, playersRevision } = result.data;
      showPlayers((f) => f.whole(list, playersRevision));
      addLines(result.data.history, true);
    });
    const onLine = (line: ConsoleLineMessage) => {
      if (line.serverId !== serverId) return;
      const held = maxSeq.current;
      addLines([line]);
      gaps.seen(held, line.seq);
    };
    const onPlayers = (payload: {
      serverId: string;
      players: PlayerView[];
      revision: PlayersRevision | null;
    }) => {
      if (payload.serverId === serverId) showPlayers((f) => f.whole(payload.players, payload.revision));
    };
    const onDelta = (delta: PlayerListDelta) => {
      if (delta.serverId !== serverId) return;
      // Made from another list (one lost, or a delta that overtook the snapshot): fetch it again.
      showPlayers((f) => {
        if (!f.delta(delta)) gaps.resync(maxSeq.current);
      });
    };
    const onLive = (payload: { serverId: string; players: PlayerLiveFields[] }) => {
      if (payload.serverId === serverId) showPlayers((f) => f.live(payload.players));
    };
    const onStatus = (next: ServerStatusMessage) => {
      if (next.serverId === serverId) setStatus(next);
    };
    const onWatch = (notice: WatchNoticeMessage) => {
      if (notice.serverId !== serverId) return;
      // The same join may be announced again after a reconnect: one alert per player.
      setWatchNotices((previous) =>
        [notice, ...previous.filter((n) => n.playerId !== notice.playerId)].slice(0, MAX_WATCH_NOTICES),
      );
    };
    socket.on("console:line", onLine);
    socket.on("players:update", onPlayers);
    socket.on("players:delta", onDelta);
    socket.on("players:live", onLive);
    socket.on("server:status", onStatus);
    socket.on("players:watch", onWatch);
    return () => {
      gaps.dispose();
      socket.off("console:line", onLine);
      socket.off("players:update", onPlayers);
      socket.off("players:delta", onDelta);
      socket.off("players:live", onLive);
      socket.off("server:status", onStatus);
      socket.off("players:watch", onWatch);
      if (socket.connected) socket.emit("server:unsubscribe", { serverId }, () => undefined);
      if (flushTimer.current) clearTimeout(flushTimer.current);
      flushTimer.current = null;
    };
  }, [socket, serverId, addLines, showPlayers]);

  // (Re)subscribe once per socket connection.
  useEffect(() => {
    if (!socket || !connected) return;
    let cancelled = false;
    const afterSeq = maxSeq.current;
    const payload = afterSeq === null ? { serverId } : { serverId, afterSeq };
    void request(socket, "server:subscribe", payload).then((result) => {
      if (cancelled) return;
      if (!result.ok) {
        setError(
          result.error.code === "TIMEOUT"
            ? "RconDeck did not answer the subscription in time. Reload the page to try again."
            : result.error.message,
        );
        return;
      }
      const snapshot = result.data;
      setError(null);
      setStatus(snapshot.status);
      showPlayers((f) => f.whole(snapshot.players, snapshot.playersRevision));
      setCommands(snapshot.commands);
      setCapabilities(snapshot.capabilities);
      if (afterSeq === null) {
        setCommandHistory(snapshot.commandHistory);
        const first = snapshot.history[0];
        setCanLoadOlder(first !== undefined && first.seq > 1);
      }
      addLines(snapshot.history, true);
      setReady(true);
    });
    return () => {
      cancelled = true;
    };
    // `connection` changes on every reconnect, which is exactly when to subscribe again.
  }, [socket, connected, connection, serverId, addLines, showPlayers]);

  const loadOlder = useCallback(async () => {
    const first = linesRef.current[0];
    if (!first) return;
    const result = await request(socket, "console:history", { serverId, beforeSeq: first.seq, limit: 500 });
    if (!result.ok) return;
    if (result.data.lines.length === 0) setCanLoadOlder(false);
    addLines(result.data.lines, true);
  }, [socket, serverId, addLines]);

  const exec = useCallback(
    async (command: string, confirmed?: boolean) => {
      const result = await request(socket, "console:exec", {
        serverId,
        command,
        ...(confirmed ? { confirmed } : {}),
      });
      if (result.ok) addLines([result.data.command, result.data.answer], true);
      return result;
    },
    [socket, serverId, addLines],
  );

  const runCustom = useCallback(
    async (commandId: string, args: ArgumentValues, confirmed: boolean) => {
      const result = await request(socket, "commands:run", { serverId, commandId, args, confirmed });
      if (result.ok) addLines([result.data.command, result.data.answer], true);
      return result;
    },
    [socket, serverId, addLines],
  );

  const kick = useCallback(
    (playerId: string, reason: string) => request(socket, "players:kick", { serverId, playerId, reason }),
    [socket, serverId],
  );
  const message = useCallback(
    (playerId: string, text: string) =>
      request(socket, "players:message", { serverId, playerId, message: text }),
    [socket, serverId],
  );

  const ban = useCallback(
    (playerId: string, input: { reason: string; duration: string; target: BanScopeInput }) =>
      request(socket, "players:ban", { serverId, playerId, ...input }),
    [socket, serverId],
  );

  const dismissWatch = useCallback(
    (notice: WatchNoticeMessage) => setWatchNotices((previous) => previous.filter((n) => n !== notice)),
    [],
  );

  return {
    ready,
    error,
    status,
    players,
    lines,
    commands,
    capabilities,
    commandHistory,
    canLoadOlder,
    loadOlder,
    exec,
    runCustom,
    kick,
    message,
    ban,
    watchNotices,
    dismissWatch,
  };
}
