/**
 * The client address as the custom server saw it. server/index.ts overwrites this header on every
 * request with the socket's address (or the first X-Forwarded-For hop when TRUST_PROXY=1), so a
 * browser cannot choose its own value.
 */
export const CLIENT_IP_HEADER = "x-rcondeck-client-ip";

type HeaderBag = Headers | Record<string, string | string[] | undefined> | undefined;

export function clientIpFrom(headers: HeaderBag): string {
  const raw = headers instanceof Headers ? headers.get(CLIENT_IP_HEADER) : headers?.[CLIENT_IP_HEADER];
  const value = Array.isArray(raw) ? raw[0] : raw;
  return value && value.length > 0 ? value : "unknown";
}
