/**
 * One webhook POST. node:http(s) rather than fetch: its `lookup` hook lets the address be checked
 * after name resolution and then used as is, so a name that resolves to a private address (or
 * changes its answer between a check and the connect: DNS rebinding) never gets a request.
 * Redirects are not followed (a 3xx is a failure), the whole exchange has a deadline on the passed
 * clock, and the answer body is read up to 64 KiB. Errors never carry the URL (its path is the
 * secret): they are short descriptions made here.
 */
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";
import { BlockList, isIP, type LookupFunction } from "node:net";
import type { Clock } from "../../rcon/clock.ts";

export interface PostResult {
  status: number;
  headers: Record<string, string | undefined>;
  body: string;
}

export class DeliveryError extends Error {
  override readonly name = "DeliveryError";
  constructor(
    message: string,
    /** Refused before sending (a private destination): retrying cannot help. */
    readonly permanent = false,
  ) {
    super(message);
  }
}

const MAX_BODY = 64 * 1024;

// Destinations a webhook may never reach: private, shared, link-local (cloud metadata), multicast,
// reserved, and loopback unless allowed.
const blocked = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const)
  blocked.addSubnet(net, prefix, "ipv4");
for (const [net, prefix] of [
  ["::", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
  ["64:ff9b::", 96],
] as const)
  blocked.addSubnet(net, prefix, "ipv6");
const loopback = new BlockList();
loopback.addSubnet("127.0.0.0", 8, "ipv4");
loopback.addAddress("::1", "ipv6");

/** Why an address may not receive a webhook, or null. IPv4-mapped IPv6 is judged as IPv4. */
export function destinationProblem(address: string, allowLoopback: boolean): string | null {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const ip = mapped ? mapped[1]! : address;
  const family = isIP(ip) === 6 ? "ipv6" : "ipv4";
  if (loopback.check(ip, family)) return allowLoopback ? null : "points at this machine";
  if (blocked.check(ip, family)) return "points at a private or reserved address";
  return null;
}

function guardedLookup(allowLoopback: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, "", 0);
      const list = addresses;
      const refused = list.map((a) => destinationProblem(a.address, allowLoopback)).find((p) => p !== null);
      if (refused || list.length === 0) {
        const err = Object.assign(new Error(refused ?? "no address"), { code: "EWEBHOOKDEST" });
        return callback(err, "", 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  };
}

const NETWORK_ERRORS: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host name lookup failed",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  EPIPE: "connection closed",
  CERT_HAS_EXPIRED: "TLS certificate expired",
  DEPTH_ZERO_SELF_SIGNED_CERT: "TLS certificate not trusted",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "TLS certificate not trusted",
  ERR_TLS_CERT_ALTNAME_INVALID: "TLS certificate does not match the host",
};

export interface PostOptions {
  clock: Clock;
  timeoutMs: number;
  allowLoopback: boolean;
}

export function postJson(rawUrl: string, body: unknown, options: PostOptions): Promise<PostResult> {
  return new Promise((resolve, reject) => {
    let url: URL;
    try {
      url = new URL(rawUrl);
    } catch {
      return reject(new DeliveryError("the stored URL is not valid", true));
    }
    const literal = url.hostname.replace(/^\[|\]$/g, "");
    if (isIP(literal) !== 0) {
      const problem = destinationProblem(literal, options.allowLoopback);
      if (problem) return reject(new DeliveryError(`refused: the URL ${problem}`, true));
    }
    if (url.protocol !== "https:" && !(url.protocol === "http:" && options.allowLoopback))
      return reject(new DeliveryError("refused: the URL must use https", true));
    const data = Buffer.from(JSON.stringify(body));
    const transport = url.protocol === "https:" ? https : http;
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      options.clock.clearTimeout(timer);
      fn();
    };
    const request = transport.request(
      url,
      {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "content-length": data.length,
          "user-agent": "RconDeck-Webhooks/1",
        },
        lookup: guardedLookup(options.allowLoopback),
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on("data", (chunk: Buffer) => {
          if (size < MAX_BODY) chunks.push(chunk.subarray(0, MAX_BODY - size));
          size += chunk.length;
        });
        response.on("end", () =>
          finish(() => {
            const headers: Record<string, string | undefined> = {};
            for (const [k, v] of Object.entries(response.headers))
              headers[k] = Array.isArray(v) ? v.join(", ") : v;
            resolve({
              status: response.statusCode ?? 0,
              headers,
              body: Buffer.concat(chunks).toString("utf8"),
            });
          }),
        );
        response.on("error", () => finish(() => reject(new DeliveryError("the answer was cut off"))));
      },
    );
    const timer = options.clock.setTimeout(() => {
      finish(() => reject(new DeliveryError(`no answer within ${Math.round(options.timeoutMs / 1000)} s`)));
      request.destroy();
    }, options.timeoutMs);
    request.on("error", (error: NodeJS.ErrnoException) =>
      finish(() => {
        if (error.code === "EWEBHOOKDEST")
          reject(new DeliveryError(`refused: the host ${error.message}`, true));
        else
          reject(
            new DeliveryError(
              NETWORK_ERRORS[error.code ?? ""] ?? `network error (${error.code ?? "unknown"})`,
            ),
          );
      }),
    );
    request.end(data);
  });
}
