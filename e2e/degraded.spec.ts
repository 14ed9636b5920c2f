import { expect, test } from "@playwright/test";
import { startHostileSource } from "../server/hub/testing/hostile-source.ts";
import { addServer } from "./helpers";

// A game server that floods the console stays "online" in the engine's sense: the overview and the
// server page must still say it misbehaves, and why.
test("a flooding game server shows as degraded with the reason, on the overview and its page", async ({
  page,
}) => {
  const hostile = await startHostileSource();
  try {
    const name = `Noisy ${Date.now()}`;
    await addServer(page, { name, game: "cs2", port: hostile.port, password: "anything-goes" });
    const card = page.getByRole("listitem").filter({ has: page.getByRole("link", { name, exact: true }) });
    await expect(card).toContainText("online", { timeout: 15_000 });

    await expect.poll(() => hostile.clients.length).toBeGreaterThan(0);
    // Far beyond the default burst of 1,000 lines.
    for (const client of hostile.clients) for (let i = 0; i < 5_000; i++) client.send(0, `spam ${i}`);
    await expect(card).toContainText("degraded", { timeout: 15_000 });
    await expect(card).toContainText(/flooding: [\d,]+ lines dropped in the last minute/);

    await page.getByRole("link", { name, exact: true }).click();
    await expect(page.getByRole("heading", { name, level: 1 })).toBeVisible();
    await expect(page.getByRole("status").filter({ hasText: "The game server misbehaves" })).toContainText(
      /flooding: [\d,]+ lines dropped/,
    );
    await expect(page.getByRole("log", { name: "Console output" })).toContainText(
      /[\d,]+ lines dropped: the server pushes more than 100 lines per second/,
    );

    await page.goto("/servers");
    await page.getByRole("button", { name: `Remove ${name}` }).click();
    await page
      .getByRole("dialog", { name: "Remove server" })
      .getByRole("button", { name: "Remove server" })
      .click();
    await expect(card).toHaveCount(0);
  } finally {
    await hostile.close();
  }
});
