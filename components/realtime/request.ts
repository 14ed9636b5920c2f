/**
 * A typed request over the socket: emits a client-to-server event of the contract and resolves
 * with its ack's Result, or with a Result failure when offline or when RconDeck does not answer
 * in time (never a rejection, so callers handle one shape).
 */
import type { RealtimeSocket } from "@/lib/realtime/client";
import type { Ack, ClientToServerEvents } from "@/lib/realtime/contract";
import type { Result } from "@/lib/result";

export type RequestEvent = keyof ClientToServerEvents;
export type RequestPayload<E extends RequestEvent> = Parameters<ClientToServerEvents[E]>[0];
export type RequestData<E extends RequestEvent> =
  Parameters<ClientToServerEvents[E]>[1] extends Ack<infer T> ? T : never;

export const REQUEST_TIMEOUT_MS = 20_000;

export async function request<E extends RequestEvent>(
  socket: RealtimeSocket | null,
  event: E,
  payload: RequestPayload<E>,
  timeoutMs = REQUEST_TIMEOUT_MS,
): Promise<Result<RequestData<E>>> {
  if (!socket?.connected)
    return {
      ok: false,
      error: { code: "UNAVAILABLE", message: "Not connected to RconDeck. Try again in a moment." },
    };
  // socket.io's timeout() typing loses the ack type; the contract above restores it.
  const emitter = socket.timeout(timeoutMs) as unknown as {
    emitWithAck(event: string, payload: unknown): Promise<unknown>;
  };
  try {
    return (await emitter.emitWithAck(event, payload)) as Result<RequestData<E>>;
  } catch {
    return { ok: false, error: { code: "TIMEOUT", message: "RconDeck did not answer in time." } };
  }
}
