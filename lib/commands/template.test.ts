import { describe, expect, it } from "vitest";
import { commandDefinitionSchema, commandSlug, templateFor } from "./definition.ts";
import { renderCustomCommand } from "./render.ts";
import { renderTemplate, templateError } from "./template.ts";

describe("templates", () => {
  it("are checked at definition time", () => {
    expect(templateError("changelevel {map}", ["map"])).toBeNull();
    expect(templateError("changelevel {mapp}", ["map"])).toMatch(/not one of the arguments/);
    expect(templateError("{map}", ["map"])).toMatch(/Start with the command/);
    expect(templateError(" say hi", [])).toMatch(/Start with the command/);
    expect(templateError("say {", [])).toMatch(/brace/);
    expect(templateError("say }x{", [])).toMatch(/brace/);
    expect(templateError("say a\nquit", [])).toMatch(/control/);
    expect(templateError("", [])).toMatch(/Write/);
  });
  it("refuse to render a placeholder without a value", () => {
    expect(renderTemplate("kick {who}", {})).toEqual({
      ok: false,
      error: "The template uses {who}, which has no value",
    });
    expect(renderTemplate("kick {toString}", {}).ok).toBe(false);
    expect(renderTemplate("mp_restartgame {s}", { s: "5" })).toEqual({
      ok: true,
      command: "mp_restartgame 5",
    });
  });
  it("pick the game's own template, else its family's", () => {
    const templates = { cs2: "changelevel {map}", "family:quake3": "map {map}" };
    expect(templateFor(templates, "cs2")).toBe("changelevel {map}");
    expect(templateFor(templates, "urbanterror")).toBe("map {map}");
    expect(templateFor(templates, "arma3")).toBeNull();
    expect(templateFor(templates, "constructor")).toBeNull();
  });
});

describe("a command definition", () => {
  const valid = {
    name: "Change map",
    description: "",
    arguments: [{ type: "choice", name: "map", label: "Map", values: ["de_dust2"] }],
    templates: { cs2: "changelevel {map}", tf2: "  " },
    roleIds: ["MODERATOR", "MODERATOR"],
    dangerous: false,
  };
  it("drops blank templates and duplicate roles", () => {
    const parsed = commandDefinitionSchema.parse(valid);
    expect(parsed.templates).toEqual({ cs2: "changelevel {map}" });
    expect(parsed.roleIds).toEqual(["MODERATOR"]);
  });
  it("refuses unknown games, bad templates and no template at all", () => {
    expect(commandDefinitionSchema.safeParse({ ...valid, templates: { nope: "x" } }).success).toBe(false);
    expect(
      commandDefinitionSchema.safeParse({ ...valid, templates: { cs2: "changelevel {level}" } }).success,
    ).toBe(false);
    expect(commandDefinitionSchema.safeParse({ ...valid, templates: {} }).success).toBe(false);
    expect(commandDefinitionSchema.safeParse({ ...valid, name: "a\nb" }).success).toBe(false);
    const text = [{ type: "text", name: "msg", label: "Message", maxLength: 50 }];
    expect(
      commandDefinitionSchema.safeParse({ ...valid, arguments: text, templates: { cs2: 'say "{msg}"' } })
        .success,
    ).toBe(false);
    expect(
      commandDefinitionSchema.safeParse({ ...valid, arguments: text, templates: { cs2: "say {msg}" } })
        .success,
    ).toBe(true);
  });
});

describe("rendering a run", () => {
  const command = {
    arguments: [
      { type: "player", name: "who", label: "Player" },
      { type: "text", name: "why", label: "Reason", maxLength: 50 },
    ] as const,
    template: "kickid {who} {why}",
  };
  it("gives exactly the command and what to record", () => {
    const r = renderCustomCommand(
      { ...command, arguments: [...command.arguments] },
      { who: "3", why: "spam" },
      {
        gameId: "cs2",
        players: [{ id: "3", plainName: "Eve" }],
      },
    );
    expect(r).toEqual({
      ok: true,
      command: 'kickid 3 "spam"',
      recorded: { who: { id: "3", name: "Eve" }, why: "spam" },
    });
  });
  it("refuses an injection through any argument", () => {
    for (const values of [
      { who: "3", why: 'x"; quit; "' },
      { who: "3; quit", why: "x" },
      { who: "3", why: "x\nquit" },
    ])
      expect(
        renderCustomCommand({ ...command, arguments: [...command.arguments] }, values, {
          gameId: "cs2",
          players: [{ id: "3", plainName: "Eve" }],
        }).ok,
      ).toBe(false);
  });
});

describe("console names", () => {
  it("are / and the name in kebab case", () => {
    expect(commandSlug("Restart in 5 minutes!")).toBe("/restart-in-5-minutes");
    expect(commandSlug("  Change Map ")).toBe("/change-map");
  });
});
