/**
 * The game log receiver: decides which pushed log lines reach which held server. Transport-neutral
 * (udp-listener.ts and http-route.ts own the sockets); the hub registers a target per server whose
 * log stream it asked for (registration.ts) and removes it when it lets the server go, so lines for
 * servers this instance does not hold (another instance of a cluster, a deleted server) are refused.
 *
 * Refused, and counted per reason: an unknown source address (not the server's host), a missing or
 * wrong secret, an oversize packet or body, and lines over the per-server budget (a flood).
 */
import { MAX_LOG_LINE_CHARS } from "../../rcon/protocol/source/logs/hl-log.ts";
import { decodeLogPacket } from "../../rcon/protocol/source/logs/packet.ts";
import type { TextCodec } from "../../rcon/protocol/text.ts";
import { sameSecret } from "../../security/game-log-secrets.ts";

export const REFUSALS = ["unknown-source", "wrong-secret", "oversize", "flood", "malformed"] as const;
export type Refusal = (typeof REFUSALS)[number];

export interface GameLogTarget {
  serverId: string;
  transport: "udp" | "http";
  /** The IP addresses the game server may send from (its host, resolved when registered). */
  addresses: ReadonlySet<string>;
  /** `sv_logsecret` digits (udp) or the URL path token (http). */
  secret: string;
  /** The accepted lines, in order (already within the budget). */
  deliver(lines: readonly string[]): void;
}

export interface ReceiverLimits {
  /** Largest UDP datagram accepted (SRCDS lines are short; a log packet is far below this). */
  maxPacketBytes: number;
  /** Largest HTTP body accepted. */
  maxBodyBytes: number;
  /** Log lines one server may push per second... */
  linesPerSecond: number;
  /** ...and at once after being quiet. */
  burst: number;
}

export const DEFAULT_RECEIVER_LIMITS: ReceiverLimits = {
  maxPacketBytes: 4_096,
  maxBodyBytes: 512 * 1024,
  linesPerSecond: 200,
  burst: 1_000,
};

interface Bucket {
  tokens: number;
  at: number;
}

/** The address as the target lists it: IPv4-mapped IPv6 (a dual-stack socket) as plain IPv4. */
export function plainAddress(address: string): string {
  return address.startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address;
}

export class GameLogReceiver {
  private readonly targets = new Map<string, GameLogTarget>();
  private readonly buckets = new Map<string, Bucket>();
  private readonly counts = new Map<Refusal, number>(REFUSALS.map((r) => [r, 0]));
  private readonly perServer = new Map<string, Map<Refusal, number>>();
  readonly limits: ReceiverLimits;

  constructor(
    private readonly now: () => number,
    private readonly codec: TextCodec,
    limits: Partial<ReceiverLimits> = {},
  ) {
    this.limits = { ...DEFAULT_RECEIVER_LIMITS, ...limits };
  }

  register(target: GameLogTarget): void {
    this.targets.set(target.serverId, target);
    this.buckets.set(target.serverId, { tokens: this.limits.burst, at: this.now() });
  }

  unregister(serverId: string): void {
    this.targets.delete(serverId);
    this.buckets.delete(serverId);
    this.perServer.delete(serverId);
  }

  /** Refusals since start, by reason (all servers and unknown senders). */
  refusals(): Record<Refusal, number> {
    return Object.fromEntries(this.counts) as Record<Refusal, number>;
  }

  /** Refusals of one registered server's stream, by reason. */
  refusalsOf(serverId: string): Partial<Record<Refusal, number>> {
    return Object.fromEntries(this.perServer.get(serverId) ?? []);
  }

  /** One SRCDS log datagram from `source`: null when delivered, else why it was refused. */
  acceptDatagram(source: string, bytes: Uint8Array): Refusal | null {
    if (bytes.length > this.limits.maxPacketBytes) return this.refuse("oversize", null);
    const address = plainAddress(source);
    const candidates = [...this.targets.values()].filter(
      (t) => t.transport === "udp" && t.addresses.has(address),
    );
    if (candidates.length === 0) return this.refuse("unknown-source", null);
    const packet = decodeLogPacket(bytes, this.codec);
    if (!packet.ok)
      return this.refuse(
        packet.reason === "bad-secret" ? "wrong-secret" : "malformed",
        candidates.length === 1 ? candidates[0]!.serverId : null,
      );
    // Several servers on one host (one per port): the secret tells them apart.
    const target =
      packet.secret === null ? undefined : candidates.find((t) => sameSecret(packet.secret!, t.secret));
    if (!target) return this.refuse("wrong-secret", candidates.length === 1 ? candidates[0]!.serverId : null);
    return this.deliver(target, [packet.line]);
  }

  /** One HTTP body POSTed to a server's path: null when delivered, else why it was refused. */
  acceptBody(source: string, serverId: string, token: string, body: string): Refusal | null {
    const target = this.targets.get(serverId);
    // The same answer for "no such server here" and "wrong token": the path reveals nothing.
    if (!target || target.transport !== "http" || !sameSecret(token, target.secret))
      return this.refuse("wrong-secret", target ? serverId : null);
    if (!target.addresses.has(plainAddress(source))) return this.refuse("unknown-source", serverId);
    return this.deliver(
      target,
      body.split(/\r?\n/).filter((line) => line.trim() !== ""),
    );
  }

  /** Counts a refusal the transport decided (a body over the size cap). */
  refuse(reason: Refusal, serverId: string | null): Refusal {
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + 1);
    if (serverId && this.targets.has(serverId)) {
      const counts = this.perServer.get(serverId) ?? new Map<Refusal, number>();
      counts.set(reason, (counts.get(reason) ?? 0) + 1);
      this.perServer.set(serverId, counts);
    }
    return reason;
  }

  private deliver(target: GameLogTarget, all: readonly string[]): Refusal | null {
    const lines = all.filter((line) => line.length <= MAX_LOG_LINE_CHARS);
    if (lines.length < all.length) this.refuse("oversize", target.serverId);
    if (lines.length === 0) return "oversize";
    const bucket = this.buckets.get(target.serverId)!;
    const now = this.now();
    bucket.tokens = Math.min(
      this.limits.burst,
      bucket.tokens + ((now - bucket.at) / 1000) * this.limits.linesPerSecond,
    );
    bucket.at = now;
    const admitted = Math.min(lines.length, Math.floor(bucket.tokens));
    bucket.tokens -= admitted;
    if (admitted > 0) target.deliver(admitted === lines.length ? lines : lines.slice(0, admitted));
    return admitted < lines.length ? this.refuse("flood", target.serverId) : null;
  }
}
