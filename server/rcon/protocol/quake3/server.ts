/**
 * Sans-IO server role of Quake 3-family out-of-band rcon (the emulator's core, and the peer in pair
 * tests). It reproduces what the client must cope with: the request line rules of MSG_ReadStringLine,
 * the password token rule of SVC_RemoteCommand, the redirect buffer that flushes a datagram whenever
 * the next print would overflow it (so rows split mid-line) and always flushes at the end (so an
 * empty `print\n` is possible), the engine's exact error texts, and its silent rate-limit drops.
 * What a command does is supplied by the caller (`ServerHandlers`).
 */
import { encodeOutOfBand, encodePrint, readRequestLine, type ReplyFraming } from "./packet.ts";
import { encodeInfoString, formatStatusResponse, type InfoMap, type QueryPlayer } from "./query.ts";

export type ServerRateLimit =
  | { kind: "none" }
  /** Quake 3 1.32 / CoD4: any rcon < intervalMs after the last accepted one is dropped, whoever sent it. */
  | { kind: "global-interval"; intervalMs: number }
  /** ioq3 / OpenArena: per source IP leaky bucket shared by rcon and queries, plus a global one for bad passwords. */
  | { kind: "ioq3-buckets"; burst: number; periodMs: number };

export interface ServerProfile {
  framing: ReplyFraming;
  /** SV_OUTPUTBUF_LENGTH: the redirect buffer holds at most this minus one characters. */
  outputBufferLength: number;
  badPasswordText: string;
  noPasswordText: string;
  rateLimit: ServerRateLimit;
  /** CoD4x refuses passwords shorter than this (answering with noPasswordText). */
  minPasswordLength: number;
}

export interface ServerHandlers {
  /** Runs one rcon command; every `print` call is one Com_Printf (a possible split point). */
  executeRcon(command: string, print: (text: string) => void): void;
  statusInfo(): { info: InfoMap; players: readonly QueryPlayer[] };
  info(): InfoMap;
}

export interface OutgoingDatagram {
  bytes: Uint8Array;
  address: string;
  port: number;
}

interface LeakyBucket {
  count: number;
  lastTime: number;
}

/** ioq3 SVC_RateLimit: true when the request must be dropped. */
export function rateLimitExceeded(
  bucket: LeakyBucket,
  burst: number,
  periodMs: number,
  now: number,
): boolean {
  const interval = now - bucket.lastTime;
  const expired = Math.floor(interval / periodMs);
  if (expired > bucket.count || interval < 0) {
    bucket.count = 0;
    bucket.lastTime = now;
  } else {
    bucket.count -= expired;
    bucket.lastTime = now - (interval % periodMs);
  }
  if (bucket.count < burst) {
    bucket.count++;
    return false;
  }
  return true;
}

/** Splits the raw request line like ioq3: first token, password token, remaining command text. */
export function splitRconLine(line: string): { password: string; command: string } | null {
  const m = /^\s*(\S+)/.exec(line);
  if (!m || (m[1] as string).toLowerCase() !== "rcon") return null;
  let rest = line.slice(m[0].length);
  // Cmd_Argv(1): a quoted token loses its quotes.
  const argv = /^\s*(?:"([^"]*)"?|(\S+))/.exec(rest);
  const password = argv ? (argv[1] ?? argv[2] ?? "") : "";
  // The command starts after the password token *up to the next space* (quotes not understood).
  rest = rest
    .replace(/^ */, "")
    .replace(/^[^ ]*/, "")
    .replace(/^ */, "");
  return { password, command: rest };
}

/** Collects Com_Printf calls into datagrams exactly like the engine's redirect buffer. */
export function redirectPrints(fragments: readonly string[], bufferLength: number): string[] {
  const flushed: string[] = [];
  let buffer = "";
  for (const fragment of fragments) {
    if (fragment.length + buffer.length > bufferLength - 1) {
      flushed.push(buffer);
      buffer = "";
    }
    buffer = (buffer + fragment).slice(0, bufferLength - 1);
  }
  flushed.push(buffer);
  return flushed;
}

export class Quake3Server {
  private readonly outgoing: OutgoingDatagram[] = [];
  private readonly buckets = new Map<string, LeakyBucket>();
  private readonly badPasswordBucket: LeakyBucket = { count: 0, lastTime: 0 };
  private lastAcceptedRcon = Number.NEGATIVE_INFINITY;
  /** Requests dropped by the rate limit (visible to tests and the benchmark). */
  dropped = 0;

  constructor(
    private readonly profile: ServerProfile,
    private password: string,
    private readonly handlers: ServerHandlers,
  ) {}

  setPassword(password: string): void {
    this.password = password;
  }

  receive(bytes: Uint8Array, from: { address: string; port: number }, now: number): void {
    const line = readRequestLine(bytes);
    if (line === null) return; // in-game traffic; not ours
    const verb = (/^\s*(\S*)/.exec(line)?.[1] ?? "").toLowerCase();
    if (verb === "rcon") this.handleRcon(line, from, now);
    else if (verb === "getstatus" || verb === "getinfo") this.handleQuery(verb, line, from, now);
  }

  private addressLimited(address: string, now: number): boolean {
    const limit = this.profile.rateLimit;
    if (limit.kind !== "ioq3-buckets") return false;
    let bucket = this.buckets.get(address); // per IP: the port is ignored
    if (!bucket) {
      bucket = { count: 0, lastTime: now };
      this.buckets.set(address, bucket);
    }
    return rateLimitExceeded(bucket, limit.burst, limit.periodMs, now);
  }

  private handleRcon(line: string, from: { address: string; port: number }, now: number): void {
    const limit = this.profile.rateLimit;
    if (limit.kind === "global-interval") {
      if (now - this.lastAcceptedRcon < limit.intervalMs) {
        this.dropped++;
        return;
      }
      this.lastAcceptedRcon = now;
    }
    if (this.addressLimited(from.address, now)) {
      this.dropped++;
      return;
    }
    const parts = splitRconLine(line);
    if (!parts) return;
    const passwordUnusable = this.password === "" || this.password.length < this.profile.minPasswordLength;
    const valid = !passwordUnusable && parts.password === this.password;
    if (
      !valid &&
      limit.kind === "ioq3-buckets" &&
      rateLimitExceeded(this.badPasswordBucket, limit.burst, limit.periodMs, now)
    ) {
      this.dropped++;
      return;
    }
    const prints: string[] = [];
    if (passwordUnusable && (this.profile.minPasswordLength === 0 || parts.password === this.password)) {
      prints.push(this.profile.noPasswordText);
    } else if (!valid) {
      prints.push(this.profile.badPasswordText);
    } else {
      this.handlers.executeRcon(parts.command, (text) => prints.push(text));
    }
    for (const text of redirectPrints(prints, this.profile.outputBufferLength)) {
      this.outgoing.push({
        bytes: encodePrint(text, this.profile.framing),
        address: from.address,
        port: from.port,
      });
    }
  }

  private handleQuery(
    verb: "getstatus" | "getinfo",
    line: string,
    from: { address: string; port: number },
    now: number,
  ): void {
    if (this.addressLimited(from.address, now)) {
      this.dropped++;
      return;
    }
    const challenge = line.trim().split(/\s+/)[1];
    const withChallenge = (info: InfoMap): InfoMap =>
      challenge === undefined ? info : { ...info, challenge: challenge.slice(0, 128) };
    if (verb === "getinfo") {
      this.outgoing.push({
        bytes: encodeOutOfBand(`infoResponse\n${encodeInfoString(withChallenge(this.handlers.info()))}`),
        address: from.address,
        port: from.port,
      });
      return;
    }
    // Info_SetValueForKey prepends: getinfo sets the challenge first (it ends up last), getstatus last.
    const { info, players } = this.handlers.statusInfo();
    const ordered = challenge === undefined ? info : { challenge: challenge.slice(0, 128), ...info };
    this.outgoing.push({
      bytes: encodeOutOfBand(`statusResponse\n${formatStatusResponse(ordered, players)}`),
      address: from.address,
      port: from.port,
    });
  }

  takeOutgoing(): OutgoingDatagram[] {
    return this.outgoing.splice(0);
  }
}
