/** Engine errors (RconCommandError codes) as AppErrors with messages written for the browser. */
import { AppError, NotSentError } from "../../lib/errors.ts";

interface CommandErrorLike {
  name: string;
  code: string;
  message: string;
}

function isCommandError(error: unknown): error is CommandErrorLike {
  return (
    error instanceof Error &&
    error.name === "RconCommandError" &&
    typeof (error as { code?: unknown }).code === "string"
  );
}

export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (!isCommandError(error))
    return new AppError("INTERNAL", "Something went wrong on the server. The error was logged.");
  switch (error.code) {
    case "NOT_CONNECTED":
      return new NotSentError("The game server is not connected right now.");
    case "TIMEOUT":
      return new AppError("TIMEOUT", "The game server did not answer in time.");
    case "CONNECTION_LOST":
      return new AppError("UNAVAILABLE", "The connection to the game server dropped before it answered.");
    case "AUTH_REFUSED":
      return new AppError("AUTH_REFUSED", "The game server refused the RCON password.");
    case "REJECTED":
      return new AppError("INVALID_INPUT", `The game server refused: ${error.message.slice(0, 200)}`);
    case "INVALID_ARGUMENT":
      return new AppError("INVALID_INPUT", `That text cannot be sent safely: ${error.message.slice(0, 200)}`);
    case "UNSUPPORTED":
      return new AppError("INVALID_INPUT", "This game does not support that.");
    case "CLOSED":
      return new AppError("UNAVAILABLE", "The connection to the game server was closed.");
    case "NOT_RCON":
      return new AppError(
        "UNAVAILABLE",
        "That address answers, but not as an RCON server: check the host and port.",
      );
    case "INVALID_SETTINGS":
      return new AppError(
        "INVALID_INPUT",
        `The server's connection settings cannot work: ${error.message.slice(0, 200)}`,
      );
    default:
      return new AppError("INTERNAL", "The game server command failed.");
  }
}

/** One-line description for the console and the audit log (no stack). */
export function describeError(error: unknown): string {
  if (isCommandError(error) || error instanceof AppError) return error.message.slice(0, 300);
  return "internal error";
}
