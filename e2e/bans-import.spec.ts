import { expect, request, test } from "@playwright/test";
import { inviteMember } from "./helpers";

const STEAM_BASE = 76561197960265728n;
// A real `writeid` file plus two lines the import must report by number.
const BANNED_USER_CFG = [
  "banid 0 STEAM_0:1:771001",
  "banid 0 [U:1:1542004]",
  "banid 0 STEAM_0:1:771001",
  "banid 0 STEAM_9:9:nope",
  "banid 0 76561197961807734",
  "writeid",
].join("\n");

test("an Admin imports a banned_user.cfg: preview with invalid lines, then the bans exist and export", async ({
  page,
}) => {
  await page.goto("/bans");
  await page.getByRole("link", { name: "Import and export" }).click();
  await expect(page).toHaveURL(/\/bans\/import/);
  await page.getByLabel("Ban file").setInputFiles({
    name: "banned_user.cfg",
    mimeType: "text/plain",
    buffer: Buffer.from(BANNED_USER_CFG),
  });
  await expect(page.getByLabel("Or paste the file")).toHaveValue(BANNED_USER_CFG);
  await page.getByLabel("Scope").selectOption({ label: "Every server" });
  await page.getByRole("button", { name: "Preview" }).click();

  const preview = page.getByRole("region", { name: "Import preview" });
  await expect(preview.getByText("Source banned_user.cfg / banned_ip.cfg")).toBeVisible();
  await expect(preview.getByTestId("count-New bans")).toHaveText("3");
  await expect(preview.getByTestId("count-Duplicates merged in the file")).toHaveText("1");
  const invalid = preview.getByRole("table", { name: "Invalid lines" });
  await expect(invalid.getByRole("row")).toHaveCount(3);
  await expect(invalid.getByRole("row").nth(1)).toContainText("4");
  await expect(invalid.getByRole("row").nth(2)).toContainText("6");

  await preview.getByRole("button", { name: "Import 3 bans" }).click();
  await expect(page.getByText("Imported 3 bans.")).toBeVisible();

  // The bans are in the ban table: the export (same data as the Bans page) has them, normalised.
  const csv = await page.request.get(
    `/api/bans/export?format=csv&search=${encodeURIComponent("imported from banned_user.cfg")}`,
  );
  expect(csv.status()).toBe(200);
  expect(csv.headers()["content-disposition"]).toMatch(/attachment; filename="rcondeck-bans-.*\.csv"/);
  const body = await csv.text();
  for (const account of [1542003n, 1542004n, 1542006n])
    expect(body).toContain(`steam:${STEAM_BASE + account}`);

  // Importing the same file again finds them already banned.
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(preview.getByTestId("count-Already banned (skipped)")).toHaveText("3");
  await expect(preview.getByRole("button", { name: "Import 0 bans" })).toBeDisabled();
});

test("the import and export routes refuse anonymous requests, Viewers and other sites", async ({
  page,
  browser,
  baseURL,
}) => {
  const anonymous = await request.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  expect((await anonymous.get("/api/bans/export?format=csv")).status()).toBe(401);
  const anonImport = await anonymous.post("/api/bans/import", {
    data: { mode: "commit", text: "banid 0 [U:1:5]", target: { scope: "all" } },
  });
  expect(anonImport.status()).toBe(401);
  await anonymous.dispose();

  const viewer = await inviteMember(page, browser, "VIEWER");
  expect((await viewer.page.goto("/bans/import"))?.status()).toBe(404);
  expect((await viewer.context.request.get("/api/bans/export?format=json")).status()).toBe(403);
  const viewerImport = await viewer.context.request.post("/api/bans/import", {
    data: { mode: "commit", text: "banid 0 [U:1:5]", target: { scope: "all" } },
  });
  expect(viewerImport.status()).toBe(403);
  await viewer.context.close();

  // The Owner's own cookie, sent by a page of another site: refused before anything is read.
  const forged = await page.request.post("/api/bans/import", {
    headers: { origin: "http://evil.example" },
    data: { mode: "commit", text: "banid 0 [U:1:5]", target: { scope: "all" } },
  });
  expect(forged.status()).toBe(403);
});
