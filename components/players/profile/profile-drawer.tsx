"use client";

/**
 * The profile drawer: clicking a player's name anywhere (player table, console, ban table, search
 * results) opens the profile beside the page instead of leaving it. A modal <dialog> (focus stays
 * inside, Escape closes it) that hands focus back to the name that opened it. It fetches
 * GET /api/players/[id] and fetches again after every change made in it.
 *
 * Providers nest: the dashboard shell has one (with the record actions from the layout); the server
 * page adds one inside its socket provider, so Message/Warn/Kick there reuse the page's socket.
 */
import Link from "next/link";
import { usePathname } from "next/navigation";
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
  type SyntheticEvent,
} from "react";
import type { PlayerProfile } from "@/server/data/players/types";
import { Button } from "@/components/ui/button";
import { Notice } from "@/components/ui/notice";
import { PlayerProfileView } from "./player-profile-view";
import type { ProfileActions } from "./types";

interface DrawerValue {
  open: (playerId: string) => void;
  actions: ProfileActions | null;
}

const DrawerContext = createContext<DrawerValue | null>(null);

/** Opens a player's profile in the nearest drawer; null outside any (then link to the page). */
export function useOpenProfile(): ((playerId: string) => void) | null {
  return useContext(DrawerContext)?.open ?? null;
}

/** The record actions the nearest provider holds (the full profile page uses the shell's). */
export function useProfileActions(): ProfileActions | null {
  return useContext(DrawerContext)?.actions ?? null;
}

export function PlayerProfileProvider({
  actions,
  children,
}: {
  actions?: ProfileActions;
  children: ReactNode;
}) {
  const parent = useContext(DrawerContext);
  const resolved = actions ?? parent?.actions ?? null;
  const [playerId, setPlayerId] = useState<string | null>(null);
  // A link inside the drawer (a server, the full profile) leaves the page: the drawer goes with it.
  const pathname = usePathname();
  const [seenPath, setSeenPath] = useState(pathname);
  if (seenPath !== pathname) {
    setSeenPath(pathname);
    setPlayerId(null);
  }
  const value = useMemo<DrawerValue>(() => ({ open: setPlayerId, actions: resolved }), [resolved]);
  const close = useCallback(() => setPlayerId(null), []);
  return (
    <DrawerContext.Provider value={value}>
      {children}
      <ProfileDrawer playerId={playerId} actions={resolved} onClose={close} />
    </DrawerContext.Provider>
  );
}

function ProfileDrawer({
  playerId,
  actions,
  onClose,
}: {
  playerId: string | null;
  actions: ProfileActions | null;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const returnFocus = useRef<HTMLElement | null>(null);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (playerId !== null && !dialog.open) {
      returnFocus.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      dialog.showModal();
    }
    if (playerId === null && dialog.open) dialog.close();
  }, [playerId]);

  const onDialogClose = (event: SyntheticEvent<HTMLDialogElement>) => {
    // React passes a nested dialog's close (Warn, Ban...) up to this one: only our own counts.
    if (event.target !== event.currentTarget) return;
    onClose();
    // A row re-rendered while the drawer was open may have replaced the element: focus it only if still there.
    const target = returnFocus.current;
    returnFocus.current = null;
    if (target?.isConnected) target.focus();
  };

  return (
    <dialog
      ref={ref}
      aria-label="Player profile"
      onClose={onDialogClose}
      className="fixed inset-y-0 right-0 left-auto m-0 h-full max-h-none w-full max-w-2xl overflow-y-auto border-l border-zinc-200 bg-white p-0 text-zinc-900 shadow-2xl backdrop:bg-black/40 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-100"
    >
      {playerId !== null ? (
        <DrawerBody
          key={playerId}
          playerId={playerId}
          actions={actions}
          onClose={() => ref.current?.close()}
        />
      ) : null}
    </dialog>
  );
}

type Loaded = { profile: PlayerProfile; error: null } | { profile: null; error: string } | null;

function DrawerBody({
  playerId,
  actions,
  onClose,
}: {
  playerId: string;
  actions: ProfileActions | null;
  onClose: () => void;
}) {
  const [loaded, setLoaded] = useState<Loaded>(null);
  const [version, setVersion] = useState(0);
  const reload = useCallback(() => setVersion((v) => v + 1), []);

  useEffect(() => {
    const controller = new AbortController();
    void loadProfile(playerId, controller.signal).then((result) => {
      if (!controller.signal.aborted) setLoaded(result);
    });
    return () => controller.abort();
  }, [playerId, version]);

  return (
    <div className="space-y-4 p-6">
      <div className="flex items-center justify-between gap-2">
        <Link
          href={`/players/${playerId}`}
          className="text-sm font-medium text-indigo-700 underline dark:text-indigo-300"
        >
          Open full profile
        </Link>
        <Button variant="secondary" onClick={onClose}>
          Close
        </Button>
      </div>
      {loaded === null ? <p className="text-sm text-zinc-500">Loading profile…</p> : null}
      {loaded?.error ? <Notice tone="error">{loaded.error}</Notice> : null}
      {loaded?.profile ? (
        <PlayerProfileView profile={loaded.profile} actions={actions} onChanged={reload} headingLevel={2} />
      ) : null}
    </div>
  );
}

async function loadProfile(playerId: string, signal: AbortSignal): Promise<Loaded> {
  try {
    const response = await fetch(`/api/players/${encodeURIComponent(playerId)}`, {
      signal,
      cache: "no-store",
      headers: { accept: "application/json" },
    });
    const body = (await response.json().catch(() => null)) as
      PlayerProfile | { error?: { message?: string } } | null;
    if (response.ok && body && "playerId" in body) return { profile: body, error: null };
    const message = body && "error" in body ? body.error?.message : undefined;
    return {
      profile: null,
      error:
        message ??
        (response.status === 404 ? "This player was not found." : "The profile could not be loaded."),
    };
  } catch {
    return signal.aborted
      ? null
      : { profile: null, error: "The profile could not be loaded. Check the connection and try again." };
  }
}
