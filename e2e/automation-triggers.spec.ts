import { expect, test, type Page } from "@playwright/test";
import { DEMO_SERVERS, openServer } from "./helpers";

/** The firings table is server-rendered: reload until a row of `trigger` with `outcome` shows. */
async function waitForFiring(page: Page, trigger: string, outcome: string): Promise<void> {
  const firings = page.getByRole("region", { name: "Recent firings" });
  await expect
    .poll(
      async () => {
        await page.reload();
        return firings.locator(`tr[data-outcome="${outcome}"]`).filter({ hasText: trigger }).count();
      },
      { timeout: 60_000, intervals: [1_000, 2_000] },
    )
    .toBeGreaterThan(0);
}

test("an Owner creates chat triggers in the UI: the live one messages the demo player who spoke, the dry run only records", async ({
  page,
}) => {
  // Building the form, then waiting for simulated players to chat: slow on a loaded machine.
  test.setTimeout(180_000);
  await page.goto("/automation/triggers");
  await expect(page.getByRole("heading", { name: "Triggers", level: 1 })).toBeVisible();
  const form = page.getByRole("form", { name: "New trigger" });

  // Without a server the form is refused with the reason, and nothing is created.
  await form.getByLabel("Name", { exact: true }).fill("Thank chatters");
  await form.getByLabel("Pattern type").selectOption("glob");
  await form.getByLabel("Pattern", { exact: true }).fill("*");
  await form.getByRole("button", { name: "Create trigger" }).click();
  await expect(form.getByText("Choose at least one server")).toBeVisible();

  await form
    .getByRole("group", { name: "Servers" })
    .getByLabel(DEMO_SERVERS.battleye, { exact: true })
    .check();
  await form.getByLabel("Action").selectOption("message");
  await form.getByLabel("Message").fill("Thanks for chatting, {player}");
  // A failed firing takes the cooldown slot too (e.g. the speaker joined a moment ago and the
  // player list has not caught up, so there is nobody to message): a short cooldown lets the next
  // chat line fire instead of waiting an hour.
  await form.getByLabel("Cooldown (seconds)").fill("5");
  await form.getByRole("button", { name: "Create trigger" }).click();
  await expect(page.getByLabel("Trigger Thank chatters")).toBeVisible();

  // A dry-run twin on the same server.
  await form.getByLabel("Name", { exact: true }).fill("Kick chatters (dry run)");
  await form.getByLabel("Action").selectOption("kick");
  await form.getByLabel("Reason").fill("Quiet please");
  await form.getByLabel("Dry run").check();
  await form.getByRole("button", { name: "Create trigger" }).click();
  await expect(page.getByLabel("Trigger Kick chatters (dry run)")).toBeVisible();

  try {
    // The demo's simulated players chat every few seconds: the live trigger acts as the Owner.
    await waitForFiring(page, "Thank chatters", "done");
    await waitForFiring(page, "Kick chatters (dry run)", "would");
    await expect(
      page.getByRole("region", { name: "Recent firings" }).getByText("would fire (dry run)").first(),
    ).toBeVisible();

    await openServer(page, DEMO_SERVERS.battleye);
    const log = page.getByRole("log", { name: "Console output" });
    await expect(
      log.getByText(/automation: Thank chatters \(.+\) to .+: Thanks for chatting, /).first(),
    ).toBeVisible();
    // The dry run kicked nobody.
    await expect(log.getByText(/automation: Kick chatters/)).toHaveCount(0);
  } finally {
    await page.goto("/automation/triggers");
    for (const name of ["Thank chatters", "Kick chatters (dry run)"])
      await page.getByRole("button", { name: `Delete ${name}` }).click();
    await expect(page.getByText("No triggers yet.")).toBeVisible();
  }
});
