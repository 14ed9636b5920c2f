import { expect, test } from "@playwright/test";

// A personal access token made on the Account page opens the REST API from a script (a request
// context with no cookies), the page's session alone does not, and revoking it in the UI shuts it.
test("create an API token on the Account page, call the API with it, revoke it", async ({
  page,
  playwright,
  baseURL,
}) => {
  await page.goto("/account");
  await expect(page.getByRole("heading", { name: "API tokens" })).toBeVisible();
  await page.getByLabel("Token name").fill("e2e script");
  await page.getByRole("button", { name: "Create token" }).click();
  const field = page.getByLabel("New token");
  await expect(field).toHaveValue(/^rcd_[A-Za-z0-9_-]{43}$/);
  const token = await field.inputValue();

  const script = await playwright.request.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const auth = { authorization: `Bearer ${token}` };
  const ok = await script.get("/api/v1/servers", { headers: auth });
  expect(ok.status()).toBe(200);
  const body = (await ok.json()) as { servers: { id: string; status: { state: string } }[] };
  expect(Array.isArray(body.servers)).toBe(true);

  // The browser's own session cookie does not open the API.
  const cookieOnly = await page.request.get("/api/v1/servers");
  expect(cookieOnly.status()).toBe(401);

  // The token reaches only what it was given (server.view by default): no audit log.
  expect((await script.get("/api/v1/audit", { headers: auth })).status()).toBe(403);

  // The call is in the audit log with the token's name.
  await page.goto("/audit?action=api.listServers");
  await expect(page.getByRole("table", { name: "Audit events" })).toContainText("via API token “e2e script”");

  await page.goto("/account");
  await expect(page.getByRole("list", { name: "API tokens" })).toContainText("e2e script");
  await page.getByRole("button", { name: "Revoke e2e script" }).click();
  await expect(page.getByRole("list", { name: "API tokens" })).toContainText("(revoked)");

  const after = await script.get("/api/v1/servers", { headers: auth });
  expect(after.status()).toBe(401);
  expect(((await after.json()) as { error: { code: string } }).error.code).toBe("UNAUTHENTICATED");
  await script.dispose();

  // The reference page is rendered from the OpenAPI document.
  await page.goto("/docs/api");
  await expect(page.getByRole("heading", { name: "GET /servers", exact: true })).toBeVisible();
  const doc = await page.request.get("/api/v1/openapi.json");
  expect(((await doc.json()) as { openapi: string }).openapi).toBe("3.1.0");
});
