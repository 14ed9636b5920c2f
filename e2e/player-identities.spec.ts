import { expect, test } from "@playwright/test";
import { addServer, inviteMember, openServer } from "./helpers";
import { startEmulator } from "../server/rcon/emulators/registry.ts";

// Rust (legacy RCON) knows players by SteamID64. A Viewer's table shows the players by name with
// no id column and no SteamID anywhere on the page; the Owner's table keeps the ids.
test("a Viewer sees a Rust server's players without their SteamIDs; the Owner sees them", async ({
  page,
  browser,
}) => {
  const emulator = await startEmulator("source", {
    game: "rust",
    password: "rust-e2e-pw",
    players: 4,
    activity: 0,
    seed: 9,
  });
  const name = `Rust ${Date.now().toString(36)}`;
  try {
    await addServer(page, { name, game: "rust", port: emulator.port, password: "rust-e2e-pw" });

    await openServer(page, name);
    const ownerTable = page.getByRole("table", { name: "Players on this server" });
    await expect(ownerTable.getByRole("row")).toHaveCount(5);
    await expect(ownerTable.getByRole("columnheader", { name: "Player id" })).toBeVisible();
    await expect(ownerTable).toContainText(/7656119\d{10}/);

    const viewer = await inviteMember(page, browser, "VIEWER");
    await openServer(viewer.page, name);
    const table = viewer.page.getByRole("table", { name: "Players on this server" });
    await expect(table.getByRole("row")).toHaveCount(5);
    await expect(table.getByRole("columnheader", { name: "Player id" })).toHaveCount(0);
    await expect(table.getByRole("columnheader", { name: "SteamID" })).toHaveCount(0);
    // Rows sort by name: the same order as the Owner's names sorted.
    const names = await table
      .getByRole("row")
      .evaluateAll((rows) => rows.slice(1).map((r) => r.getAttribute("aria-label") ?? ""));
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, undefined, { sensitivity: "base" })));
    expect(await viewer.page.content()).not.toMatch(/7656119\d{10}/);
    await viewer.context.close();

    await page.goto("/servers");
    await page.getByRole("button", { name: `Remove ${name}` }).click();
    await page
      .getByRole("dialog", { name: "Remove server" })
      .getByRole("button", { name: "Remove server" })
      .click();
    await expect(page.getByRole("listitem").filter({ hasText: name })).toHaveCount(0);
  } finally {
    await emulator.close();
  }
});
