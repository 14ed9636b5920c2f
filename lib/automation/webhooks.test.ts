import { describe, expect, it } from "vitest";
import {
  discordPayload,
  jsonPayload,
  neutraliseMentions,
  webhookFormSchema,
  webhookUrlProblem,
} from "./webhooks.ts";

const DISCORD = "https://discord.com/api/webhooks/123456789012345678/abcdefghijklmnopqrstuvwxyz_-0123456789";

describe("webhook URLs", () => {
  it("accepts Discord webhook URLs by shape for kind discord, any https URL for json", () => {
    const rules = { allowLoopback: false };
    expect(webhookUrlProblem("discord", DISCORD, rules)).toBeNull();
    expect(webhookUrlProblem("discord", DISCORD.replace("/api/", "/api/v10/"), rules)).toBeNull();
    expect(webhookUrlProblem("discord", "https://example.com/api/webhooks/1/2", rules)).toMatch(
      /discord\.com/,
    );
    expect(webhookUrlProblem("discord", `${DISCORD}?wait=true`, rules)).toMatch(/not a Discord/);
    expect(webhookUrlProblem("discord", "https://discord.com/channels/1/2", rules)).toMatch(/not a Discord/);
    expect(webhookUrlProblem("json", "https://hooks.example.com/x", rules)).toBeNull();
  });

  it("refuses http, credentials and loopback unless loopback is allowed", () => {
    const strict = { allowLoopback: false };
    expect(webhookUrlProblem("json", "http://hooks.example.com/x", strict)).toMatch(/https/);
    expect(webhookUrlProblem("json", "https://u:p@hooks.example.com/x", strict)).toMatch(/password/);
    expect(webhookUrlProblem("json", "https://127.0.0.1/x", strict)).toMatch(/this machine/);
    expect(webhookUrlProblem("json", "http://127.0.0.1:9/x", strict)).toMatch(/https/);
    expect(webhookUrlProblem("json", "not a url", strict)).toMatch(/full URL/);
    const loose = { allowLoopback: true };
    expect(webhookUrlProblem("json", "http://127.0.0.1:9/x", loose)).toBeNull();
    expect(webhookUrlProblem("json", "http://hooks.example.com/x", loose)).toMatch(/https/);
    expect(
      webhookUrlProblem(
        "discord",
        "http://127.0.0.1:9/api/webhooks/123456789012345678/" + "a".repeat(30),
        loose,
      ),
    ).toBeNull();
  });
});

describe("mentions", () => {
  it("neutralises @everyone, @here, user, role and channel mentions, whatever the case", () => {
    const out = neutraliseMentions("@everyone @HERE <@1> <@!2> <@&3> <#4> mail@example.com");
    expect(out).not.toMatch(/@everyone|@here|<@\d|<@!\d|<@&\d|<#\d/i);
    expect(out.replace(/\u200b/g, "")).toBe("@everyone @HERE <@1> <@!2> <@&3> <#4> mail@example.com");
  });

  it("payloads carry no mention anywhere and Discord's allowed_mentions is empty", () => {
    const notice = {
      event: "chat" as const,
      serverId: "s",
      title: "@everyone",
      text: "<@&1>",
      fields: [{ name: "@here", value: "<@2>" }],
    };
    const discord = discordPayload(notice, new Date(0));
    expect(discord.allowed_mentions).toEqual({ parse: [] });
    expect(JSON.stringify(discord)).not.toMatch(/@everyone|@here|<@&1|<@2/);
    expect(JSON.stringify(jsonPayload(notice, new Date(0)))).not.toMatch(/@everyone|@here|<@&1|<@2/);
  });

  it("cuts embeds to Discord's limits", () => {
    const long = "x".repeat(5000);
    const [embed] = discordPayload(
      { event: "ban", serverId: null, title: long, text: long },
      new Date(0),
    ).embeds;
    expect(embed!.title.length).toBe(256);
    expect(embed!.description.length).toBe(4096);
  });
});

describe("the webhook form", () => {
  it("needs a name, an event and servers (or all)", () => {
    const r = webhookFormSchema.safeParse({ name: " ", kind: "discord", events: [], serverIds: [] });
    expect(r.success).toBe(false);
    const paths = r.error!.issues.map((i) => i.path.join("."));
    expect(paths).toEqual(expect.arrayContaining(["name", "events", "serverIds"]));
    expect(
      webhookFormSchema.safeParse({ name: "Bans", kind: "json", events: ["ban"], allServers: true }).success,
    ).toBe(true);
    expect(
      webhookFormSchema.safeParse({ name: "x", kind: "slack", events: ["ban"], allServers: true }).success,
    ).toBe(false);
  });
});
