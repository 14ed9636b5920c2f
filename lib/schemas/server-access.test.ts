import { describe, expect, it } from "vitest";
import { inviteSchema, updateMemberSchema } from "./auth.ts";

describe("server access in the invite and member forms", () => {
  it("requires an explicit choice: no choice is an error, never 'every server'", () => {
    const result = inviteSchema.safeParse({ email: "a@example.com", role: "VIEWER", serverIds: [] });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join("."))).toEqual(["access"]);
  });

  it("'selected' needs at least one server; 'all' stores every server and drops the list", () => {
    const none = updateMemberSchema.safeParse({
      userId: "u1",
      role: "VIEWER",
      access: "selected",
      serverIds: [],
    });
    expect(none.error?.issues.map((i) => i.path.join("."))).toEqual(["serverIds"]);
    expect(
      updateMemberSchema.parse({
        userId: "u1",
        role: "VIEWER",
        access: "selected",
        serverIds: ["s1", "s1", "s2"],
      }),
    ).toEqual({ userId: "u1", role: "VIEWER", allServers: false, serverIds: ["s1", "s2"], serverRoles: {} });
    expect(
      inviteSchema.parse({ email: "A@example.com", role: "MODERATOR", access: "all", serverIds: ["s1"] }),
    ).toEqual({ email: "a@example.com", role: "MODERATOR", allServers: true, serverIds: [] });
  });

  it("an Owner always reaches every server", () => {
    expect(
      inviteSchema.parse({ email: "o@example.com", role: "OWNER", access: "selected", serverIds: [] }),
    ).toMatchObject({ allServers: true, serverIds: [] });
  });

  it("per-server roles: only on checked servers (any server for 'all'), never Owner, never the main role", () => {
    const parse = (access: "all" | "selected", serverRoles: string[]) =>
      updateMemberSchema.safeParse({
        userId: "u1",
        role: "ADMIN",
        access,
        serverIds: ["A", "C"],
        serverRoles,
      });
    expect(parse("selected", ["A:", "C:MODERATOR", "B:VIEWER", "", "A:ADMIN"]).data?.serverRoles).toEqual({
      C: "MODERATOR",
    });
    expect(parse("all", ["B:VIEWER", "C:custom1"]).data?.serverRoles).toEqual({ B: "VIEWER", C: "custom1" });
    expect(parse("selected", ["C:OWNER"]).success).toBe(false);
    expect(parse("selected", ["C:a:b"]).success).toBe(false);
    expect(parse("selected", ["C:" + "x".repeat(65)]).success).toBe(false);
  });
});
