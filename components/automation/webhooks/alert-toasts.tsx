"use client";

/**
 * In-app alerts (issue 16): bans, kicks, watch-list joins and servers going offline or online on
 * the servers this user may see, as toasts in the corner of every dashboard page. Its own socket
 * (pages open theirs only where they need live data); it subscribes again after every reconnect,
 * and the server decides per server what this user receives (server/automation/alerts/alerts.ts).
 */
import { useEffect, useState } from "react";
import { createSocket } from "@/lib/realtime/client";
import type { AlertMessage } from "@/lib/realtime/contract";

const KEEP = 5;
const SHOW_MS = 15_000;

export function AlertToasts() {
  const [alerts, setAlerts] = useState<AlertMessage[]>([]);
  useEffect(() => {
    const socket = createSocket();
    const subscribe = () => socket.emit("alerts:subscribe", {}, () => undefined);
    const onAlert = (alert: AlertMessage) => {
      setAlerts((current) => [alert, ...current].slice(0, KEEP));
      // Display only: nothing depends on when a toast goes.
      setTimeout(() => setAlerts((current) => current.filter((a) => a.id !== alert.id)), SHOW_MS);
    };
    socket.on("connect", subscribe);
    socket.on("alerts:notice", onAlert);
    return () => {
      socket.off("connect", subscribe);
      socket.off("alerts:notice", onAlert);
      socket.disconnect();
    };
  }, []);
  if (alerts.length === 0) return null;
  return (
    <div
      role="region"
      className="fixed right-4 bottom-4 z-50 w-80 space-y-2"
      aria-live="polite"
      aria-label="Alerts"
    >
      {alerts.map((alert) => (
        <div
          key={alert.id}
          role="status"
          className="rounded-md border border-zinc-200 bg-white p-3 text-sm shadow-lg dark:border-zinc-700 dark:bg-zinc-900"
        >
          <div className="flex items-start justify-between gap-2">
            <p className="font-medium">{alert.title}</p>
            <button
              type="button"
              className="text-zinc-500 hover:text-zinc-800 dark:hover:text-zinc-200"
              aria-label={`Dismiss ${alert.title}`}
              onClick={() => setAlerts((current) => current.filter((a) => a.id !== alert.id))}
            >
              ×
            </button>
          </div>
          <p className="mt-1 break-words text-zinc-600 dark:text-zinc-300">{alert.text}</p>
        </div>
      ))}
    </div>
  );
}
