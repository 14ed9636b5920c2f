import { expect, test } from "@playwright/test";
import { DEMO_SERVERS, openServer } from "./helpers";

// Against the demo CS2 server (an emulator): `writeid` is marked dangerous for SRCDS games and is
// harmless to the emulator, so sending it changes nothing other specs rely on.

test("a dangerous command asks for a second confirmation; Cancel sends nothing, Send anyway sends it", async ({
  page,
}) => {
  await openServer(page, DEMO_SERVERS.source);
  const log = page.getByRole("log", { name: "Console output" });
  const input = page.getByLabel("Console command");
  await expect(input).toBeEnabled();

  await input.fill("writeid");
  await input.press("Enter");
  const dialog = page.getByRole("dialog", { name: "Dangerous command" });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText(
    "This command is dangerous: writeid: overwrites banned_user.cfg with the bans in memory. Send it?",
  );
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  await expect(log.locator('[data-kind="command"]').filter({ hasText: /^.*writeid/ })).toHaveCount(0);

  await input.fill("writeid");
  await input.press("Enter");
  await dialog.getByRole("button", { name: "Send anyway" }).click();
  await expect(dialog).toBeHidden();
  await expect(log.locator('[data-kind="command"]').filter({ hasText: "writeid" }).last()).toBeVisible();

  // An everyday command goes straight through.
  await input.fill("status");
  await input.press("Enter");
  await expect(
    log.locator('[data-kind="command"]').filter({ hasText: "status" }).last().locator('[data-kind="answer"]'),
  ).toContainText("hostname");
  await expect(dialog).toBeHidden();
});

test("a built-in role's console policy is shown read-only, and the tester explains decisions", async ({
  page,
}) => {
  await page.goto("/team/roles/ADMIN/console-policy");
  await expect(page.getByRole("heading", { name: "Console policy of “Admin”", level: 1 })).toBeVisible();
  await expect(
    page.getByText("every command is allowed (dangerous ones still need a confirmation)"),
  ).toBeVisible();
  await expect(page.getByRole("button", { name: "Add rule" })).toHaveCount(0);

  await page.getByLabel("Game").selectOption({ label: "Quake 3 Arena 1.32" });
  await page.getByLabel("Command", { exact: true }).fill("status; quit");
  const decision = page.getByTestId("policy-decision");
  await expect(decision).toContainText("Allowed");
  await expect(decision).toContainText("This command is dangerous: quit: stops the game server process.");

  // Moderators have no raw console: their fixed policy falls back to the Quake 3 allowlist.
  await page.goto("/team/roles/MODERATOR/console-policy");
  await page.getByLabel("Game").selectOption({ label: "Quake 3 Arena 1.32" });
  await page.getByLabel("Command", { exact: true }).fill("map q3dm17");
  await expect(page.getByTestId("policy-decision")).toContainText(
    'Refused by the default policy of role "Moderator"',
  );
});
