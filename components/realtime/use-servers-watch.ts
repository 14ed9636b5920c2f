"use client";

/**
 * Live statuses of every server the user may see, for the overview: `servers:watch` returns the
 * current statuses and `server:status` pushes each change. Re-watched after every reconnect.
 */
import { useEffect, useState } from "react";
import type { ServerStatusMessage } from "@/lib/realtime/contract";
import { useRealtime } from "./realtime-provider";
import { request } from "./request";

export function useServersWatch(): { statuses: Record<string, ServerStatusMessage>; ready: boolean } {
  const { socket, connected, connection } = useRealtime();
  const [statuses, setStatuses] = useState<Record<string, ServerStatusMessage>>({});
  const [ready, setReady] = useState(false);

  useEffect(() => {
    if (!socket) return;
    const onStatus = (status: ServerStatusMessage) =>
      setStatuses((s) => ({ ...s, [status.serverId]: status }));
    socket.on("server:status", onStatus);
    return () => {
      socket.off("server:status", onStatus);
    };
  }, [socket]);

  useEffect(() => {
    if (!socket || !connected) return;
    let cancelled = false;
    void request(socket, "servers:watch", {}).then((result) => {
      if (cancelled || !result.ok) return;
      setStatuses(Object.fromEntries(result.data.statuses.map((s) => [s.serverId, s])));
      setReady(true);
    });
    return () => {
      cancelled = true;
    };
  }, [socket, connected, connection]);

  return { statuses, ready };
}
