import { expect, test } from "@playwright/test";
import { createInviteLink, MEMBER_PASSWORD } from "./helpers";

test("accepting an invite with a weak password shows why it was refused; a strong one is accepted", async ({
  page: ownerPage,
  browser,
}) => {
  const { link } = await createInviteLink(ownerPage, "VIEWER");

  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await page.goto(link);
  await page.getByLabel("Name").fill("Weak Willy");
  for (const [weak, reason] of [
    ["password12", "This is a commonly used password."],
    ["aaaaaaaaaa", 'Repeated characters like "aaa" are easy to guess.'],
  ] as const) {
    await page.getByLabel("Password", { exact: true }).fill(weak);
    await page.getByLabel("Confirm password").fill(weak);
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByText(reason)).toBeVisible();
    await expect(page).toHaveURL(/\/invite/);
  }
  await page.getByLabel("Password", { exact: true }).fill(MEMBER_PASSWORD);
  await page.getByLabel("Confirm password").fill(MEMBER_PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/login/);
  await context.close();
});
