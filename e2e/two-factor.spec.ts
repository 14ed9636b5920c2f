import { expect, test, type Page } from "@playwright/test";
import { Secret, TOTP } from "otpauth";
import { clickUntil, inviteMember, MEMBER_PASSWORD } from "./helpers";

/** The code an authenticator app holding `secret` shows `offsetSeconds` from now. */
function appCode(secret: string, offsetSeconds = 0): string {
  const totp = new TOTP({ algorithm: "SHA1", digits: 6, period: 30, secret: Secret.fromBase32(secret) });
  return totp.generate({ timestamp: Date.now() + offsetSeconds * 1000 });
}

/** Enrols on the Account page: reads the key shown for manual entry and answers with the app's code. */
async function enrol(page: Page): Promise<{ secret: string; recoveryCodes: string[] }> {
  const section = page.locator("#two-factor");
  await section.getByRole("button", { name: "Set up two-factor sign-in" }).click();
  await expect(section.getByRole("img", { name: "QR code for your authenticator app" })).toBeVisible();
  const secret = (await section.getByLabel("Secret key").textContent())?.trim() ?? "";
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  await section.getByLabel("Authentication code").fill(appCode(secret));
  await section.getByRole("button", { name: "Turn on two-factor sign-in" }).click();
  const list = section.getByRole("list", { name: "Recovery codes" });
  await expect(list.getByRole("listitem")).toHaveCount(10);
  const recoveryCodes = (await list.getByRole("listitem").allTextContents()).map((c) => c.trim());
  await section.getByRole("button", { name: "I saved them" }).click();
  await expect(section.getByText(/Two-factor sign-in is on/)).toBeVisible();
  await expect(section.getByText(/10 recovery codes left/)).toBeVisible();
  return { secret, recoveryCodes };
}

test("a member enrols in two-factor sign-in on the Account page, then signs in with password and code", async ({
  page: ownerPage,
  browser,
}) => {
  const member = await inviteMember(ownerPage, browser, "VIEWER");
  const { page } = member;
  await page.goto("/account");
  const { secret, recoveryCodes } = await enrol(page);
  // The key is never shown again once enrolment is confirmed.
  await page.reload();
  await expect(page.getByLabel("Secret key")).toHaveCount(0);
  await expect(page.getByText(secret)).toHaveCount(0);

  await clickUntil(page.getByRole("button", { name: "Sign out", exact: true }), () =>
    expect(page).toHaveURL(/\/login/, { timeout: 5_000 }),
  );

  // The right password alone opens nothing: the form asks for the code.
  await page.getByLabel("Email").fill(member.email);
  await page.getByLabel("Password").fill(MEMBER_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  const code = page.getByLabel("Authentication code");
  await expect(code).toBeVisible();
  expect((await page.request.get("/api/auth/session").then((r) => r.json())) as unknown).toEqual({});

  await code.fill("000000");
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "authentication code" })).toHaveText(
    "Wrong or already used authentication code.",
  );
  // The enrolment code's period is used up: the app's next code (accepted within the drift window).
  await code.fill(appCode(secret, 30));
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByRole("heading", { name: "Servers" })).toBeVisible();

  // The Owner sees it on the Team page, and a recovery code works once at sign-in.
  await ownerPage.goto("/team");
  await expect(ownerPage.getByLabel(`Member ${member.email}`).getByText(/2FA on/)).toBeVisible();
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await page.getByLabel("Email").fill(member.email);
  await page.getByLabel("Password").fill(MEMBER_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByLabel("Authentication code").fill(recoveryCodes[0] ?? "");
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByRole("heading", { name: "Servers" })).toBeVisible();
  await member.context.close();
});

test("2FA required by role but missing: pages lead to the Account page, the API refuses, and enrolling lets the member in", async ({
  page: ownerPage,
  browser,
}) => {
  const member = await inviteMember(ownerPage, browser, "MODERATOR");
  const { page } = member;
  // The Owner requires two-factor sign-in for Moderators on the built-in role's page.
  const setRequired = async (on: boolean) => {
    await ownerPage.goto("/team/roles/MODERATOR");
    await ownerPage.getByLabel("Require two-factor sign-in").setChecked(on);
    await ownerPage.getByRole("button", { name: "Save role" }).click();
    await expect(ownerPage.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
  };
  await setRequired(true);
  try {
    await page.goto("/servers");
    await expect(page).toHaveURL(/\/account\?twofactor=required/);
    await expect(
      page.getByText("Your role requires two-factor sign-in. Set it up to continue."),
    ).toBeVisible();
    const api = await page.request.get("/api/players?q=");
    expect(api.status()).toBe(403);
    expect(await api.json()).toMatchObject({ error: { code: "TWO_FACTOR_REQUIRED" } });

    await enrol(page);
    // The same session continues once enrolled.
    await page.goto("/servers");
    await expect(page.getByRole("heading", { name: "Servers" })).toBeVisible();
    expect((await page.request.get("/api/players?q=")).status()).toBe(200);
  } finally {
    await setRequired(false);
    await member.context.close();
  }
});
