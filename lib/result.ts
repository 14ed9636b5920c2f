import { AppError, type AppErrorCode, type FieldErrors } from "./errors.ts";

/** The shape every server action and every socket.io ack returns. */
export type Result<T> =
  | { ok: true; data: T }
  | {
      ok: false;
      error: { code: AppErrorCode; message: string; fieldErrors?: FieldErrors; retryAfterSeconds?: number };
    };

export function ok<T>(data: T): Result<T> {
  return { ok: true, data };
}

export function fail(code: AppErrorCode, message: string, fieldErrors?: FieldErrors): Result<never> {
  return { ok: false, error: fieldErrors ? { code, message, fieldErrors } : { code, message } };
}

/**
 * Converts anything thrown into a Result. Unknown errors become a generic INTERNAL message so that
 * stack traces, SQL or RCON details never reach a browser; the caller logs the original.
 */
export function toFailure(error: unknown): Result<never> {
  if (error instanceof AppError) {
    const result: Result<never> = { ok: false, error: { code: error.code, message: error.message } };
    if (error.fieldErrors) result.error.fieldErrors = error.fieldErrors;
    if (error.retryAfterSeconds !== undefined) result.error.retryAfterSeconds = error.retryAfterSeconds;
    return result;
  }
  return fail("INTERNAL", "Something went wrong on the server. The error was logged.");
}
