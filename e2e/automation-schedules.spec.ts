import { expect, test } from "@playwright/test";
import { DEMO_SERVERS, openServer } from "./helpers";

test("an Owner creates a schedule in the UI; its broadcast reaches the demo server's console as the automation", async ({
  page,
}) => {
  test.setTimeout(120_000);
  await page.goto("/servers");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Automation" }).click();
  await expect(page.getByRole("heading", { name: "Schedules", level: 1 })).toBeVisible();
  const form = page.getByRole("form", { name: "New schedule" });

  // Refused on the server with the reason, nothing stored.
  await form.getByLabel("Name").fill("E2E rules");
  await form.getByRole("group", { name: "Servers" }).getByLabel(DEMO_SERVERS.source, { exact: true }).check();
  await form.getByLabel("Schedule").fill("61 * * * *");
  await expect(form.getByText(/is not a cron expression/).first()).toBeVisible();

  // Every 10 seconds (a cron with seconds), so the test need not wait a minute.
  await form.getByLabel("Schedule").fill("*/10 * * * * *");
  await expect(form.getByRole("status").filter({ hasText: "Next runs:" })).toBeVisible();
  await form.getByLabel("Action").selectOption({ label: "Broadcast message" });
  await form.getByLabel("Message").fill("Welcome from the e2e schedule");
  await form.getByRole("button", { name: "Create schedule" }).click();
  const item = page.getByRole("listitem", { name: "E2E rules" });
  await expect(item).toBeVisible();
  await expect(item.getByText("Next runs:")).toBeVisible();

  await openServer(page, DEMO_SERVERS.source);
  const log = page.getByRole("log", { name: "Console output" });
  await expect(
    log
      .locator('[data-kind="admin"]')
      .filter({ hasText: "automation: E2E rules" })
      .filter({
        hasText: "to everyone: Welcome from the e2e schedule",
      })
      .first(),
  ).toBeVisible({ timeout: 60_000 });

  // The run is listed, and disabling the schedule leaves the demo server quiet for other specs.
  await page.goto("/automation");
  const listed = page.getByRole("listitem", { name: "E2E rules" });
  await listed.getByText("Recent runs").click();
  await expect(listed.getByText(/done · Message sent to everyone on the server/).first()).toBeVisible();
  await listed.getByRole("button", { name: "Disable" }).click();
  await expect(listed.getByText("disabled", { exact: true })).toBeVisible();
});
