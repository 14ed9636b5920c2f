import { expect, test } from "@playwright/test";
import { OWNER, signIn, uniqueEmail } from "./helpers";

test.use({ storageState: { cookies: [], origins: [] } });

test("sign in and sign out", async ({ page }) => {
  await signIn(page, OWNER.email, OWNER.password);
  await expect(page.getByRole("heading", { name: "Servers" })).toBeVisible();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto("/servers");
  await expect(page).toHaveURL(/\/login/);
});

test("a wrong password shows a clear message", async ({ page }) => {
  await signIn(page, OWNER.email, "not-the-password");
  await expect(page.getByText("Wrong email or password.")).toBeVisible();
  await expect(page).toHaveURL(/\/login/);
});

test("repeated failures for one account are rate-limited with a retry time", async ({ page }) => {
  const email = uniqueEmail("locked");
  for (let i = 0; i < 5; i++) {
    await signIn(page, email, `wrong-${i}`);
    await expect(page.getByText("Wrong email or password.")).toBeVisible();
  }
  await signIn(page, email, "wrong-again");
  await expect(page.getByText(/Too many failed sign-in attempts\. Try again in \d+ s\./)).toBeVisible();
});
