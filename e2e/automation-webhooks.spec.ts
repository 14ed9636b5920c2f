import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import { DEMO_SERVERS, OWNER, openServer } from "./helpers";

// Webhooks against a receiver on loopback (the e2e server runs with WEBHOOKS_ALLOW_LOOPBACK=1,
// e2e/server-process.ts): the Owner creates a JSON webhook, the URL never comes back
// to the page, "Send test" reaches the receiver and shows as the last success; a kick from the
// player table reaches the receiver with reason and author and shows as an in-app alert.

const NAME = `E2E hook ${Date.now().toString(36)}`;
const SECRET = `s3cr3t-${Date.now().toString(36)}`;
let receiver: Server;
let base = "";
const received: { title: string; fields: { name: string; value: string }[] }[] = [];

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push(JSON.parse(Buffer.concat(chunks).toString("utf8")) as (typeof received)[number]);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});

test.afterAll(async () => {
  await new Promise((resolve) => receiver.close(resolve));
});

test("create a webhook, never see its URL again, and send a test", async ({ page }) => {
  await page.goto("/automation/webhooks");
  await expect(page.getByRole("heading", { name: "Webhooks", level: 1 })).toBeVisible();
  const form = page.getByRole("form", { name: "New webhook" });
  await form.getByLabel("Name").fill(NAME);
  await form.getByLabel("Kind").selectOption("json");
  await form.getByLabel("URL").fill(`${base}/hooks/${SECRET}`);
  await form.getByLabel("Kicks").check();
  await form.getByLabel("Trigger actions").check();
  await form.getByLabel("All servers").check();
  await form.getByRole("button", { name: "Create webhook" }).click();
  await expect(form.getByText("Saved.")).toBeVisible();

  await page.reload();
  const item = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: NAME }) });
  await expect(item).toContainText("Events: Kicks, Trigger actions");
  await expect(item).toContainText("Servers: All servers");
  await expect(item).toContainText("Last success: never");
  expect(await page.content()).not.toContain(SECRET);

  await item.getByRole("button", { name: `Send test ${NAME}` }).click();
  await expect(item.getByText("Test queued")).toBeVisible();
  await expect.poll(() => received.map((r) => r.title)).toContain("RconDeck test message");
  await expect
    .poll(async () => {
      await page.reload();
      return page
        .getByRole("listitem")
        .filter({ has: page.getByRole("heading", { name: NAME }) })
        .textContent();
    })
    .not.toContain("Last success: never");
  expect(await page.content()).not.toContain(SECRET);
});

test("a kick reaches the webhook with reason and author, and the in-app alerts", async ({ page }) => {
  await openServer(page, DEMO_SERVERS.battleye);
  const buttons = page.getByRole("button", { name: /^Kick / });
  await expect(buttons.first()).toBeVisible();
  const labels = await buttons.evaluateAll((nodes) => nodes.map((n) => n.getAttribute("aria-label") ?? ""));
  const label = labels.find((l) => labels.indexOf(l) === labels.lastIndexOf(l)) ?? "";
  const name = label.replace(/^Kick /, "");
  await page.getByRole("button", { name: label, exact: true }).click();
  const dialog = page.getByRole("dialog", { name: label });
  await dialog.getByLabel("Reason", { exact: true }).fill("Spamming (webhooks e2e)");
  await dialog.getByRole("button", { name: "Kick player" }).click();

  const alerts = page.getByRole("region", { name: "Alerts" });
  await expect(alerts.getByText(`Kicked: ${name}`)).toBeVisible();
  await expect
    .poll(() => received.find((r) => r.title === `Kicked: ${name}`)?.fields ?? [])
    .toEqual(
      expect.arrayContaining([
        { name: "Reason", value: "Spamming (webhooks e2e)" },
        { name: "By", value: OWNER.name },
      ]),
    );
});
