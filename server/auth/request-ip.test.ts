import { describe, expect, it } from "vitest";
import { clientAddress } from "./request-ip.ts";
import { describeUserAgent } from "./user-agent.ts";

describe("clientAddress", () => {
  it("without a trusted proxy, X-Forwarded-For is ignored", () => {
    expect(clientAddress("10.0.0.7", "1.2.3.4", false)).toBe("10.0.0.7");
  });

  it("behind a trusted proxy, takes the hop the proxy appended (the last), not what the client wrote", () => {
    expect(clientAddress("10.0.0.1", "6.6.6.6, 203.0.113.5", true)).toBe("203.0.113.5");
    expect(clientAddress("10.0.0.1", ["6.6.6.6", "203.0.113.5"], true)).toBe("203.0.113.5");
    expect(clientAddress("10.0.0.1", "203.0.113.5", true)).toBe("203.0.113.5");
    expect(clientAddress("10.0.0.1", "", true)).toBe("10.0.0.1");
    expect(clientAddress("10.0.0.1", undefined, true)).toBe("10.0.0.1");
    expect(clientAddress(undefined, undefined, true)).toBe("unknown");
  });
});

describe("describeUserAgent", () => {
  it.each([
    [
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36",
      "Chrome on Windows",
    ],
    [
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36 Edg/142.0.0.0",
      "Edge on Windows",
    ],
    [
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
      "Safari on macOS",
    ],
    [
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/142.0.0.0 Safari/537.36",
      "Chrome on Linux",
    ],
    [
      "Mozilla/5.0 (Linux; Android 15) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Mobile Safari/537.36",
      "Chrome on Android",
    ],
    ["curl/8.5.0", "curl"],
    [null, "Unknown device"],
  ])("%s -> %s", (ua, expected) => {
    expect(describeUserAgent(ua)).toBe(expected);
  });
});
