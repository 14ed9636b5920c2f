import { expect, request, test } from "@playwright/test";
import { readFileSync } from "node:fs";
import { inviteMember } from "./helpers";

// The Owner downloads the filtered audit log from the Audit page; anonymous requests and readers
// without audit.read are refused by the route itself.

test("the Owner exports the filtered audit log as CSV and JSON from the Audit page", async ({ page }) => {
  await page.goto("/audit?action=auth");
  const [csv] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Export CSV" }).click(),
  ]);
  expect(csv.suggestedFilename()).toMatch(/^rcondeck-audit-.*\.csv$/);
  const lines = readFileSync(await csv.path(), "utf8")
    .trim()
    .split("\r\n");
  expect(lines[0]).toBe(
    "id,createdAt,actorEmail,action,outcome,serverId,targetType,targetId,detail,input,sourceIp,repeats,lastAt,tokenName,automation",
  );
  expect(lines.length).toBeGreaterThan(1);
  // Only the filtered group: every row's action starts with "auth".
  expect(lines.slice(1).every((line) => line.split(",")[3]?.startsWith("auth"))).toBe(true);

  const [json] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Export JSON" }).click(),
  ]);
  const doc = JSON.parse(readFileSync(await json.path(), "utf8")) as { events: { action: string }[] };
  expect(doc.events.length).toBeGreaterThan(0);
  expect(doc.events.every((e) => e.action.startsWith("auth"))).toBe(true);
});

test("the audit export refuses anonymous requests and Viewers", async ({ page, browser, baseURL }) => {
  const anonymous = await request.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  expect((await anonymous.get("/api/audit/export?format=csv")).status()).toBe(401);
  await anonymous.dispose();
  const viewer = await inviteMember(page, browser, "VIEWER");
  const refused = await viewer.context.request.get("/api/audit/export?format=json");
  expect(refused.status()).toBe(403);
  expect(await refused.json()).toMatchObject({ error: { code: "FORBIDDEN" } });
  await viewer.context.close();
});
