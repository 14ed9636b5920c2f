"use client";

/**
 * One socket.io connection per page, shared by every live component below the provider. The
 * socket reconnects by itself (socket.io); components listen to `connected` to re-subscribe and
 * resume. A `session:ended` from the server sends the user back to the sign-in page.
 */
import { createContext, useContext, useEffect, useState, type ReactNode } from "react";
import { createSocket, type RealtimeSocket } from "@/lib/realtime/client";

interface RealtimeValue {
  socket: RealtimeSocket | null;
  /** True while the socket to RconDeck is connected; false while socket.io reconnects. */
  connected: boolean;
  /** Counts (re)connections, so subscribers can re-subscribe once per connection. */
  connection: number;
  endedReason: string | null;
  /** False outside any provider (the context's default), so a component can bring its own. */
  provided: boolean;
}

const RealtimeContext = createContext<RealtimeValue>({
  socket: null,
  connected: false,
  connection: 0,
  endedReason: null,
  provided: false,
});

export function RealtimeProvider({ children }: { children: ReactNode }) {
  const [value, setValue] = useState<RealtimeValue>({
    socket: null,
    connected: false,
    connection: 0,
    endedReason: null,
    provided: true,
  });
  useEffect(() => {
    const socket = createSocket();
    const onConnect = () =>
      setValue((v) => ({ ...v, socket, connected: true, connection: v.connection + 1 }));
    const onDisconnect = () => setValue((v) => ({ ...v, connected: false }));
    const onEnded = ({ reason }: { reason: string }) => setValue((v) => ({ ...v, endedReason: reason }));
    socket.on("connect", onConnect);
    socket.on("disconnect", onDisconnect);
    socket.on("session:ended", onEnded);
    // eslint-disable-next-line react-hooks/set-state-in-effect -- the socket only exists in the browser
    setValue((v) => ({ ...v, socket }));
    return () => {
      socket.off("connect", onConnect);
      socket.off("disconnect", onDisconnect);
      socket.off("session:ended", onEnded);
      socket.disconnect();
    };
  }, []);
  return (
    <RealtimeContext.Provider value={value}>
      {value.endedReason ? (
        <div
          role="alert"
          className="mb-4 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-950 dark:text-red-200"
        >
          Your session has ended ({value.endedReason}).{" "}
          <a className="underline" href="/login">
            Sign in again
          </a>
          .
        </div>
      ) : null}
      {children}
    </RealtimeContext.Provider>
  );
}

/**
 * Children that need a socket (a profile's Message/Warn/Kick) use the page's connection where the
 * page has one (the server page), and open their own only where it has none (the Players page).
 */
export function EnsureRealtime({ children }: { children: ReactNode }) {
  const { provided } = useContext(RealtimeContext);
  return provided ? <>{children}</> : <RealtimeProvider>{children}</RealtimeProvider>;
}

export function useRealtime(): RealtimeValue {
  return useContext(RealtimeContext);
}

/** A banner while the browser's own connection to RconDeck is down (socket.io is reconnecting). */
export function RealtimeConnectionBanner() {
  const { socket, connected, connection } = useRealtime();
  // Before the first connection there is nothing to report yet.
  if (!socket || connected || connection === 0) return null;
  return (
    <div
      role="status"
      className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-100"
    >
      Connection to RconDeck lost. Reconnecting… Live data resumes where it stopped.
    </div>
  );
}
