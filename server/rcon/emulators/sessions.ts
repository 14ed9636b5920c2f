/**
 * Which RCON clients an emulated game server has seen, and when: the evidence multi-instance tests
 * need that a game server never had two live sessions at once (two dashboard instances both
 * believing they hold it). A session is live from its successful login to its last packet; a TCP
 * session is also closed at socket close. Each command is kept with the session it came in, so a
 * test can tell which client sent what (a schedule's broadcast, once). Demo servers run for weeks,
 * so only recent sessions and commands stay.
 */
import { appendRecent } from "./recent-log.ts";

export interface EmulatorSession {
  /** 1, 2, ... in login order, per emulator. */
  id: number;
  /** The client's "address:port". */
  remote: string;
  /** Emulator clock (ms) at the successful login (Quake 3: the first rcon packet with the right password). */
  loginAt: number;
  /** Emulator clock (ms) at the last packet received from this client in this session. */
  lastPacketAt: number;
  /** Emulator clock (ms) at socket close (TCP) or a new login from the same address:port; null while open. */
  closedAt: number | null;
}

/** One RCON command as the emulator received it. */
export interface EmulatorCommand {
  /** The session it came in (EmulatorSession.id); null from a client that never logged in. */
  session: number | null;
  remote: string;
  /** Emulator clock (ms) when it arrived. */
  at: number;
  text: string;
}

export interface SessionOverlap {
  a: EmulatorSession;
  b: EmulatorSession;
}

/** What every emulator exposes about its sessions (copies: callers may keep them). */
export interface SessionRecording {
  sessions(): EmulatorSession[];
  /** Pairs of sessions of different clients whose [loginAt, lastPacketAt] intervals overlap: two clients live at once. */
  overlaps(): SessionOverlap[];
  /** The commands received, oldest first. */
  commands(): EmulatorCommand[];
}

/**
 * Pairs of sessions from different clients whose [loginAt, lastPacketAt] intervals intersect
 * (touching ends count). Sessions of one address:port are one client socket logging in again (its
 * login packet is also the old session's last packet), never two instances.
 */
export function findOverlaps(sessions: readonly EmulatorSession[]): SessionOverlap[] {
  const sorted = [...sessions].sort((x, y) => x.loginAt - y.loginAt || x.id - y.id);
  const found: SessionOverlap[] = [];
  // Sweep by start: every still-open earlier interval that reaches this start overlaps it.
  const open: EmulatorSession[] = [];
  for (const session of sorted) {
    for (let i = open.length - 1; i >= 0; i--) {
      const earlier = open[i] as EmulatorSession;
      if (earlier.lastPacketAt < session.loginAt) open.splice(i, 1);
      else if (earlier.remote !== session.remote) found.push({ a: { ...earlier }, b: { ...session } });
    }
    open.push(session);
  }
  return found;
}

export class SessionLog implements SessionRecording {
  private readonly log: EmulatorSession[] = [];
  private readonly received: EmulatorCommand[] = [];
  /** The current session per remote (a later login from the same remote replaces it). */
  private readonly current = new Map<string, EmulatorSession>();
  private nextId = 1;

  constructor(private readonly limit = 1_000) {}

  /** A successful login from `remote`. */
  login(remote: string, now: number): void {
    const previous = this.current.get(remote);
    if (previous && previous.closedAt === null) previous.closedAt = now;
    const session: EmulatorSession = {
      id: this.nextId++,
      remote,
      loginAt: now,
      lastPacketAt: now,
      closedAt: null,
    };
    this.current.set(remote, session);
    appendRecent(this.log, session, this.limit);
    if (this.current.size > this.limit * 2) this.forgetClosed();
  }

  /**
   * A packet from `remote`. Counted even after the server dropped the peer or the socket closed
   * its reading side: a client that still sends is still acting on the game server.
   */
  packet(remote: string, now: number): void {
    const session = this.current.get(remote);
    if (session) session.lastPacketAt = Math.max(session.lastPacketAt, now);
  }

  /** A command from `remote`, run by the emulator. */
  command(remote: string, text: string, now: number): void {
    const session = this.current.get(remote);
    appendRecent(this.received, { session: session?.id ?? null, remote, at: now, text }, this.limit);
  }

  /** Whether `remote` has had a session (Quake 3 starts one at its first good rcon packet). */
  has(remote: string): boolean {
    return this.current.has(remote);
  }

  /** The socket of `remote` closed (TCP). */
  close(remote: string, now: number): void {
    const session = this.current.get(remote);
    if (session && session.closedAt === null) session.closedAt = now;
  }

  sessions(): EmulatorSession[] {
    return this.log.map((s) => ({ ...s }));
  }

  overlaps(): SessionOverlap[] {
    return findOverlaps(this.log);
  }

  commands(): EmulatorCommand[] {
    return this.received.map((c) => ({ ...c }));
  }

  private forgetClosed(): void {
    const kept = new Set(this.log);
    for (const [remote, session] of this.current) if (!kept.has(session)) this.current.delete(remote);
  }
}
