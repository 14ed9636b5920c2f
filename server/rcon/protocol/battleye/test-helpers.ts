/** Shared by the BattlEye client tests: a logged-in client, answers, what it emitted and sent. */
import type { RconRemoteError } from "../errors.ts";
import { utf8 } from "../../testing/bytes.ts";
import { BattlEyeClient, type BattlEyeEvent, type ClientTiming } from "./client.ts";
import { decodePacket, encodePacket, type Packet } from "./packet.ts";

export const T0 = 1_000_000;

/** A client that logged in at T0 and has nothing left to read or send. */
export function loggedIn(timing: Partial<ClientTiming> = {}): BattlEyeClient {
  const client = new BattlEyeClient(utf8, timing);
  client.login("secret", T0);
  client.takeOutgoing();
  client.receive(encodePacket({ type: "login-reply", success: true }), T0);
  drainEvents(client);
  return client;
}

/** A one-packet command answer from the server. */
export const answer = (seq: number, text: string) =>
  encodePacket({ type: "command", seq, body: utf8.encode(text) });

export function drainEvents(client: BattlEyeClient): BattlEyeEvent[] {
  const out: BattlEyeEvent[] = [];
  for (let e = client.nextEvent(); e; e = client.nextEvent()) out.push(e);
  return out;
}

export function sentPackets(client: BattlEyeClient): Packet[] {
  return client.takeOutgoing().map((b) => decodePacket(b, "to-server"));
}

/** Feeds a datagram the client must drop; returns the error of the one `dropped` event it gave. */
export function dropped(client: BattlEyeClient, bytes: Uint8Array, now: number): RconRemoteError | null {
  client.receive(bytes, now);
  const emitted = drainEvents(client);
  const only = emitted.length === 1 ? emitted[0] : undefined;
  if (only?.type !== "dropped") throw new Error(`expected one dropped event, got ${JSON.stringify(emitted)}`);
  return only.error;
}
