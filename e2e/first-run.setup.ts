import { expect, test as setup } from "@playwright/test";
import { readState } from "./server-process";
import { OWNER } from "./helpers";

setup("first-run setup through the printed one-time link creates the Owner", async ({ page }) => {
  const { setupLink } = readState();
  // No default credentials: before setup nobody can sign in.
  await page.goto("/servers");
  await expect(page).toHaveURL(/\/login/);

  await page.goto(setupLink);
  await expect(page.getByRole("heading", { name: "Create the Owner account" })).toBeVisible();
  // Invalid forms never reach the database: field-level errors first.
  await page.getByRole("button", { name: "Create Owner account" }).click();
  await expect(page.getByText("Enter a name")).toBeVisible();
  await page.getByLabel("Name").fill(OWNER.name);
  await page.getByLabel("Email").fill(OWNER.email);
  await page.getByLabel("Password", { exact: true }).fill(OWNER.password);
  await page.getByLabel("Confirm password").fill("something else");
  await page.getByRole("button", { name: "Create Owner account" }).click();
  await expect(page.getByText("The passwords do not match")).toBeVisible();
  await page.getByLabel("Confirm password").fill(OWNER.password);
  await page.getByRole("button", { name: "Create Owner account" }).click();
  await expect(page).toHaveURL(/\/login\?notice=welcome/);

  // The link is single use.
  await page.goto(setupLink);
  await expect(page.getByText(/invalid, used or expired/)).toBeVisible();

  await page.goto("/login");
  await page.getByLabel("Email").fill(OWNER.email);
  await page.getByLabel("Password").fill(OWNER.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Servers" })).toBeVisible();
  const cookies = await page.context().cookies();
  const session = cookies.find((c) => c.name === "next-auth.session-token");
  expect(session?.httpOnly).toBe(true);
  await page.context().storageState({ path: "playwright/.auth/owner.json" });
});
