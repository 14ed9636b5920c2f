import { expect, test, type Browser, type Cookie } from "@playwright/test";
import { inviteMember, MEMBER_PASSWORD, OWNER, signIn, socketFor } from "./helpers";

/** A fresh browser holding only the cookies someone saved earlier (a copied session). */
async function replay(browser: Browser, cookies: Cookie[]) {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  await context.addCookies(cookies);
  return context;
}

test("signing out ends the session on the server: the saved cookie opens neither a page nor a socket", async ({
  browser,
  baseURL,
}) => {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await signIn(page, OWNER.email, OWNER.password);
  await expect(page.getByRole("heading", { name: "Servers" })).toBeVisible();
  const saved = await context.cookies();
  const before = await socketFor(context, baseURL ?? "");
  expect(before.connected).toBe(true);
  before.disconnect();

  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/login/);

  const copy = await replay(browser, saved);
  const copyPage = await copy.newPage();
  await copyPage.goto("/servers");
  await expect(copyPage).toHaveURL(/\/login/);
  await expect(socketFor(copy, baseURL ?? "")).rejects.toThrow("unauthorized");
  const session = await copy.request.get("/api/auth/session");
  expect(await session.json()).toEqual({});
  await copy.close();
  await context.close();
});

test("the account page lists a member's sessions, signs one out, and signs out everywhere", async ({
  page: ownerPage,
  browser,
  baseURL,
}) => {
  const { email, context: laptop, page } = await inviteMember(ownerPage, browser, "VIEWER");
  const phone = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const phonePage = await phone.newPage();
  await signIn(phonePage, email, MEMBER_PASSWORD);
  await expect(phonePage.getByRole("heading", { name: "Servers" })).toBeVisible();

  await page.goto("/account");
  const sessions = page.getByRole("list", { name: "Active sessions" });
  await expect(sessions.getByRole("listitem")).toHaveCount(2);
  await expect(sessions.getByText("this device")).toHaveCount(1);
  await expect(sessions.getByText(/127\.0\.0\.1 · last seen/).first()).toBeVisible();

  // The other browser is signed out from here: its next page load goes to sign-in.
  await sessions.getByRole("button", { name: /^Sign out .*[^)]$/ }).click();
  await expect(sessions.getByRole("listitem")).toHaveCount(1);
  await phonePage.goto("/servers");
  await expect(phonePage).toHaveURL(/\/login/);

  const saved = await laptop.cookies();
  await page.getByRole("button", { name: "Sign out everywhere" }).click();
  await expect(page).toHaveURL(/\/login/);
  const copy = await replay(browser, saved);
  const copyPage = await copy.newPage();
  await copyPage.goto("/account");
  await expect(copyPage).toHaveURL(/\/login/);
  await expect(socketFor(copy, baseURL ?? "")).rejects.toThrow("unauthorized");
  await copy.close();
  await phone.close();
  await laptop.close();
});
