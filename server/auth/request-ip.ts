/**
 * The client address as the custom server saw it. server/index.ts overwrites this header on every
 * request (clientAddress below), so a browser cannot choose its own value.
 */
export const CLIENT_IP_HEADER = "x-rcondeck-client-ip";

type HeaderBag = Headers | Record<string, string | string[] | undefined> | undefined;

export function clientIpFrom(headers: HeaderBag): string {
  const raw = headers instanceof Headers ? headers.get(CLIENT_IP_HEADER) : headers?.[CLIENT_IP_HEADER];
  const value = Array.isArray(raw) ? raw[0] : raw;
  return value && value.length > 0 ? value : "unknown";
}

/**
 * The peer's address, or with TRUST_PROXY=1 the address the (one) trusted reverse proxy appended
 * to X-Forwarded-For: its LAST entry. Earlier entries were written by the client and prove nothing.
 * Node joins repeated X-Forwarded-For headers with ", ", so the last one wins there too.
 */
export function clientAddress(
  remoteAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  trustProxy: boolean,
): string {
  if (trustProxy && forwardedFor !== undefined) {
    const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(",") : forwardedFor).split(",");
    const last = hops[hops.length - 1]?.trim();
    if (last) return last;
  }
  return remoteAddress ?? "unknown";
}
