/**
 * The one contract every protocol family's client core implements (Source, BattlEye, Quake 3,
 * Rust WebRCON), in the spirit of h11 and berconpy: a Sans-IO state machine that takes bytes and
 * time in and gives bytes and events out. It never opens a socket, never reads a clock and never
 * schedules a timer; the session driver (server/rcon/session/) does all of that for any core over
 * any transport, so that a new family is a core, a dialect and a transport choice.
 *
 * Units on the wire: `receive` takes one unit as the transport delivers it (a TCP chunk, one UDP
 * datagram, one WebSocket text frame as UTF-8 bytes); `takeOutgoing` gives units to write in order.
 */
import type { RconRemoteError } from "./errors.ts";

/** idle: created, login() not called. logging-in: waiting for the login's answer. ready: commands flow. closed: final. */
export type CoreState = "idle" | "logging-in" | "ready" | "closed";

/** Why a command did not get a whole answer. */
export type CommandFailureCode =
  /** No answer at all within the command's time. */
  | "timeout"
  /**
   * Part of an answer arrived, but its end was never seen within the command's time: the text in
   * `partial` is NOT the whole answer and must never be shown as if it were.
   */
  | "incomplete"
  /** The answer outgrew the size budget; further parts are dropped. */
  | "too-large"
  /** The server answered the command with an error the protocol defines (WebRCON error, Minecraft "Unknown request"). */
  | "remote-error"
  /** The core was closed or the session dropped while the command was pending. */
  | "closed";

export type CoreEvent =
  | { type: "logged-in" }
  /** Final: the password is wrong or rcon is disabled. `reason` is in words an admin understands. */
  | { type: "login-refused"; reason: string }
  /** The whole answer to command `id`, in order. `latencyMs`: from first send to last part. */
  | { type: "answer"; id: number; text: string; latencyMs: number }
  | { type: "command-failed"; id: number; code: CommandFailureCode; detail: string; partial?: string }
  /** A line the server sent unprompted (BattlEye message, Squad/Rust chat, WebRCON Log/Chat/Warning). */
  | { type: "pushed"; text: string; channel?: string }
  /**
   * Input that was dropped without breaking the session: a malformed unit, a late part of an answer
   * that already ended, a unit from an unexpected peer. `fatal`: the stream cannot continue (a TCP
   * framing error) and the driver must close the session.
   */
  | {
      type: "dropped";
      reason: "malformed" | "late" | "unexpected";
      error: RconRemoteError | null;
      fatal: boolean;
    }
  /** The session is gone (no sign of life for the protocol's dead time, login never answered). */
  | { type: "dead"; reason: string };

export interface CommandSpec {
  text: string;
  timeoutMs: number;
  /**
   * false: the command changes state, so a core on a lossy transport never re-sends it blindly
   * (Quake 3 has no sequence numbers). Absent: the core decides (read-only commands may be re-sent).
   */
  idempotent?: boolean;
}

export interface ClientCore {
  readonly state: CoreState;
  /** Starts the login (Quake 3: a probe command that proves the password; it is sent in every packet). */
  login(password: string, now: number): void;
  /** Queues a command; returns its id, which every later event about it carries. */
  command(spec: CommandSpec, now: number): number;
  /** Forgets a pending command: no event about it follows. */
  cancel(id: number): void;
  receive(unit: Uint8Array, now: number): void;
  /** Units to write now, in order. Pacing (Quake 3's flood protection) holds units back until `now` allows. */
  takeOutgoing(now: number): Uint8Array[];
  nextEvent(): CoreEvent | null;
  /** The earliest time handleTimeout must be called (retransmit, keep-alive, command time-out, pacing), or null. */
  nextDeadline(): number | null;
  handleTimeout(now: number): void;
  /** Closes: every pending command gets a "closed" failure event; returns their ids. */
  close(): number[];
}
