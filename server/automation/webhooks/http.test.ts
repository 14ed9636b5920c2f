import { describe, expect, it } from "vitest";
import { destinationProblem } from "./http.ts";

describe("webhook destinations", () => {
  it("refuses private, link-local, shared and reserved addresses, IPv4-mapped ones too", () => {
    for (const address of [
      "10.0.0.1",
      "172.20.1.1",
      "192.168.1.10",
      "169.254.169.254",
      "100.64.0.1",
      "0.0.0.0",
      "fd00::1",
      "fe80::1",
      "::ffff:10.0.0.1",
      "::ffff:169.254.169.254",
    ])
      expect(destinationProblem(address, true), address).toMatch(/private or reserved/);
  });

  it("refuses loopback unless allowed, and lets public addresses through", () => {
    expect(destinationProblem("127.0.0.1", false)).toMatch(/this machine/);
    expect(destinationProblem("::1", false)).toMatch(/this machine/);
    expect(destinationProblem("::ffff:127.0.0.1", false)).toMatch(/this machine/);
    expect(destinationProblem("127.0.0.1", true)).toBeNull();
    expect(destinationProblem("162.159.135.232", false)).toBeNull();
    expect(destinationProblem("2606:4700::6810:85e5", false)).toBeNull();
  });
});
