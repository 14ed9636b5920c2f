import { expect, test } from "@playwright/test";
import { DEMO_SERVERS, inviteMember, MEMBER_PASSWORD, openServer, signIn } from "./helpers";

test("the Owner creates a custom role and grants it on one server only; the member holds it there and nowhere else", async ({
  page,
  browser,
}) => {
  const roleName = `Console operator ${Date.now().toString(36)}`;

  // The Owner creates the role from the permission grid.
  await page.goto("/team");
  await page.getByRole("link", { name: "Roles", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Roles", level: 1 })).toBeVisible();
  await expect(page.getByRole("link", { name: "Admin", exact: true })).toBeVisible();
  await page.getByLabel("Name").fill(roleName);
  await page.getByLabel("See servers, their status").check();
  await page.getByLabel("Read the live console").check();
  await page.getByLabel("Send raw console commands").check();
  const createRequest = page.waitForRequest(
    (r) => r.method() === "POST" && r.headers()["next-action"] !== undefined,
  );
  await page.getByRole("button", { name: "Create role" }).click();
  const ownerCreate = await createRequest;
  await expect(page.getByRole("status").filter({ hasText: `Role ${roleName} created.` })).toBeVisible();
  await expect(page.getByRole("link", { name: roleName, exact: true })).toBeVisible();

  // A Viewer on two servers gets the new role on one of them.
  const member = await inviteMember(page, browser, "VIEWER", [DEMO_SERVERS.quake3, DEMO_SERVERS.source]);
  await page.goto("/team");
  const card = page.getByLabel(`Member ${member.email}`);
  await card.getByRole("button", { name: `Change ${member.email}` }).click();
  await card.getByLabel(`Role on ${DEMO_SERVERS.quake3}`).selectOption({ label: roleName });
  await card.getByRole("button", { name: "Save member" }).click();
  await expect(card).toContainText(`Viewer; ${roleName} on ${DEMO_SERVERS.quake3}`);

  // Its sessions ended with the change: the member signs in again in a fresh browser context.
  await member.context.close();
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const memberPage = await context.newPage();
  await signIn(memberPage, member.email, MEMBER_PASSWORD);
  await expect(memberPage.getByRole("heading", { name: "Servers" })).toBeVisible();

  await openServer(memberPage, DEMO_SERVERS.quake3);
  const input = memberPage.getByLabel("Console command");
  await expect(input).toBeEnabled();
  await input.fill("status");
  await input.press("Enter");
  await expect(memberPage.getByRole("log", { name: "Console output" })).toContainText("status");

  await openServer(memberPage, DEMO_SERVERS.source);
  await expect(memberPage.getByRole("log", { name: "Console output" })).toBeVisible();
  await expect(memberPage.getByLabel("Console command")).toHaveCount(0);

  // The member may not define roles: no page for it, and the Owner's exact request replayed with
  // the member's session is refused by the server (nothing created).
  expect((await memberPage.goto("/team/roles"))?.status()).toBe(404);
  const replay = await context.request.post("/team/roles", {
    headers: {
      "next-action": ownerCreate.headers()["next-action"] ?? "",
      "content-type": ownerCreate.headers()["content-type"] ?? "",
      accept: "text/x-component",
    },
    data: ownerCreate.postDataBuffer() ?? Buffer.alloc(0),
  });
  expect(await replay.text()).toContain("You do not have permission to do that.");
  await context.close();

  // A role in use cannot be deleted, and says why.
  await page.goto("/team/roles");
  // Still exactly one role of that name (the replay created none).
  await expect(page.getByRole("link", { name: roleName, exact: true })).toHaveCount(1);
  await page.getByRole("link", { name: roleName, exact: true }).click();
  await expect(page.getByRole("link", { name: "Console command rules" })).toBeVisible();
  await page.getByRole("button", { name: "Delete role" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "still given to 1 member" })).toBeVisible();
});
