/**
 * One application error type with a fixed set of codes, mapped to HTTP statuses and to the
 * socket.io ack shape. Messages are written for users; never forward a raw exception message.
 */
export const APP_ERROR_CODES = [
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "NOT_FOUND",
  "INVALID_INPUT",
  "CONFLICT",
  "RATE_LIMITED",
  "UNAVAILABLE",
  "TIMEOUT",
  "AUTH_REFUSED",
  /** A dangerous command was sent without its explicit confirmation. */
  "CONFIRMATION_REQUIRED",
  /** The user must sign in with (or enrol in) a second factor first. */
  "TWO_FACTOR_REQUIRED",
  "INTERNAL",
] as const;

export type AppErrorCode = (typeof APP_ERROR_CODES)[number];

export const HTTP_STATUS_BY_CODE: Record<AppErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  INVALID_INPUT: 400,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
  TIMEOUT: 504,
  AUTH_REFUSED: 502,
  CONFIRMATION_REQUIRED: 428,
  TWO_FACTOR_REQUIRED: 403,
  INTERNAL: 500,
};

export interface FieldErrors {
  [field: string]: string[] | undefined;
}

export class AppError extends Error {
  override readonly name = "AppError";
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly fieldErrors?: FieldErrors,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/**
 * Refused before anything reached the game server: not connected, or the server is moving between
 * instances. Unlike other UNAVAILABLE errors (a connection that dropped mid-command), the action
 * certainly did not run, so it may be tried again (the schedule runner hands such a run over).
 */
export class NotSentError extends AppError {
  constructor(message: string) {
    super("UNAVAILABLE", message);
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
