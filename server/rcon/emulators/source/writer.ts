/**
 * Writes one emulated session's packets in the separate writes the Sans-IO server asks for
 * (`SourceServerConnection.takeWrites`). A write after a break waits two turns of the event loop,
 * so the peer's read of the earlier one happens first and the two reach it in separate reads, as
 * SRCDS's two send() calls do over a network. Writes never overtake each other.
 */
import type { TcpStream } from "../../transport/tcp.ts";

export type SessionWriter = (writes: Uint8Array[][]) => void;

/** `onIdle` runs whenever everything queued has been written (e.g. to close after a refusal). */
export function createSessionWriter(stream: TcpStream, onIdle: () => void): SessionWriter {
  const backlog: Uint8Array[][] = [];
  let waiting = false;
  const next = () => {
    const write = backlog.shift();
    if (write) stream.write(write);
    if (backlog.length === 0) {
      waiting = false;
      onIdle();
      return;
    }
    waiting = true;
    setImmediate(() => setImmediate(next));
  };
  return (writes) => {
    backlog.push(...writes);
    if (!waiting) next();
  };
}
