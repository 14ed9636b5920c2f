/**
 * Protocol errors say whose fault they are (h11's LocalProtocolError vs RemoteProtocolError):
 * - RconLocalError: we misused the API (wrong state, argument that cannot be sent, too long, ...).
 * - RconRemoteError: the peer sent something malformed or hostile. Connections count and drop these;
 *   they never escape a socket callback.
 * Every error carries a stable `code` that tests and callers match on instead of message text.
 */
export type RconLocalErrorCode =
  | "INVALID_STATE"
  | "INVALID_ARGUMENT"
  | "UNSAFE_ARGUMENT"
  | "TOO_LARGE"
  | "TOO_MANY_IN_FLIGHT"
  | "UNSUPPORTED";

export type RconRemoteErrorCode =
  | "MALFORMED_PACKET"
  | "BAD_CHECKSUM"
  | "FRAME_TOO_SMALL"
  | "FRAME_TOO_LARGE"
  | "UNEXPECTED_PACKET"
  | "INCONSISTENT_FRAGMENTS"
  /** The peer speaks another protocol (an HTTP server on the RCON port...). */
  | "NOT_RCON";

export class RconLocalError extends Error {
  override readonly name = "RconLocalError";
  constructor(
    readonly code: RconLocalErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export class RconRemoteError extends Error {
  override readonly name = "RconRemoteError";
  constructor(
    readonly code: RconRemoteErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Thrown when an intent is called in a state that does not allow it. */
export class InvalidStateError extends RconLocalError {
  constructor(
    readonly current: string,
    readonly expected: readonly string[],
    action: string,
  ) {
    super("INVALID_STATE", `cannot ${action} in state ${current} (expected ${expected.join(" or ")})`);
  }
}

/** Asserts a state-machine precondition; keeps transition checks one line at each call site. */
export function assertState<S extends string>(current: S, expected: readonly S[], action: string): void {
  if (!expected.includes(current)) throw new InvalidStateError(current, expected, action);
}
