import { expect, test, type Page } from "@playwright/test";
import { startEmulator } from "../server/rcon/emulators/registry.ts";
import type { SourceEmulator } from "../server/rcon/emulators/source/emulator.ts";
import { addServer, inviteMember, openServer } from "./helpers";

// One CS2 emulator (addresses, no joins or leaves) for the whole file: the Owner bans a player from
// the table, the Bans page and the audit log show it, a Moderator's limit is refused with a field
// error, a Viewer sees the row without identifiers, and the Owner revokes it.

const NAME = `Bans CS2 ${Date.now().toString(36)}`;
const PASSWORD = "bans-e2e-pw";
const IP = /\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}/;
let emulator: SourceEmulator;
let banned = "";
let bannedIp = "";

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  emulator = await startEmulator("source", {
    game: "cs2",
    password: PASSWORD,
    players: 5,
    activity: 0,
    seed: 21,
  });
});

test.afterAll(async () => {
  await emulator.close();
});

/** A human player (an address on the row) whose name is unique on the server right now. */
async function banTarget(page: Page): Promise<{ name: string; ip: string }> {
  const table = page.getByRole("table", { name: "Players on this server" });
  await expect(table.getByRole("button", { name: /^Ban / }).first()).toBeVisible();
  let found = { name: "", ip: "" };
  await expect
    .poll(async () => {
      const rows = await table
        .getByRole("row")
        .evaluateAll((nodes) =>
          nodes
            .slice(1)
            .map((n) => ({ name: n.getAttribute("aria-label") ?? "", text: n.textContent ?? "" })),
        );
      const row = rows.find((r) => IP.test(r.text) && rows.filter((o) => o.name === r.name).length === 1);
      found = { name: row?.name ?? "", ip: IP.exec(row?.text ?? "")?.[0] ?? "" };
      return found.ip;
    })
    .not.toBe("");
  return found;
}

test("ban from the player table: the player leaves, the console, the Bans page and the audit log show it", async ({
  page,
}) => {
  await addServer(page, { name: NAME, game: "cs2", port: emulator.port, password: PASSWORD });
  await openServer(page, NAME);
  ({ name: banned, ip: bannedIp } = await banTarget(page));
  const table = page.getByRole("table", { name: "Players on this server" });
  await table.getByRole("button", { name: `Ban ${banned}`, exact: true }).click();
  const dialog = page.getByRole("dialog", { name: `Ban ${banned}` });
  for (const preset of ["1 hour", "1 day", "7 days", "30 days", "permanent"])
    await expect(dialog.getByRole("button", { name: preset, exact: true })).toBeVisible();
  await dialog.getByRole("button", { name: "1 day", exact: true }).click();
  await expect(dialog.getByLabel("Duration", { exact: true })).toHaveValue("1d");
  await dialog.getByLabel("Reason", { exact: true }).fill("Aimbot (e2e)");
  await expect(dialog.getByLabel("This server")).toBeChecked();
  await dialog.getByRole("button", { name: "Ban", exact: true }).click();
  await expect(dialog).toBeHidden();
  // The hub's enforcement kicks the player: the row goes once the server's list drops it.
  await expect(table.getByRole("row", { name: banned, exact: true })).toHaveCount(0, { timeout: 20_000 });
  await expect(page.getByRole("log", { name: "Console output" })).toContainText(
    `RconDeck kicked ${banned}: banned (Aimbot (e2e))`,
  );

  await page.getByRole("link", { name: "Bans", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Bans", level: 1 })).toBeVisible();
  await page.getByLabel("Search bans").fill(banned);
  await page.getByRole("button", { name: "Filter" }).click();
  const row = page.getByRole("row", { name: banned, exact: true });
  await expect(row).toContainText("Aimbot (e2e)");
  await expect(row).toContainText("active");
  await expect(row).toContainText(NAME);
  await expect(row).toContainText(bannedIp);
  await expect(row).toContainText(/23h|1d/);

  await page.goto("/audit?action=ban.create");
  await expect(page.getByRole("table")).toContainText("ban.create");
});

test("a Moderator is held to the maximum duration with a field error, and identifiers are checked per type", async ({
  page,
  browser,
}) => {
  const moderator = await inviteMember(page, browser, "MODERATOR");
  const mp = moderator.page;
  // From the player table: 30 days is over the default 7-day maximum.
  await openServer(mp, NAME);
  const { name: target } = await banTarget(mp);
  await mp.getByRole("button", { name: `Ban ${target}`, exact: true }).click();
  const dialog = mp.getByRole("dialog", { name: `Ban ${target}` });
  await expect(dialog).toContainText("You may ban for at most 7 days.");
  await dialog.getByLabel("Duration", { exact: true }).fill("30d");
  await dialog.getByRole("button", { name: "Ban", exact: true }).click();
  await expect(dialog.getByText("At most 7 days", { exact: true })).toBeVisible();
  await expect(dialog.getByLabel("Duration", { exact: true })).toHaveAttribute("aria-invalid", "true");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(
    mp.getByRole("table", { name: "Players on this server" }).getByRole("row", { name: target, exact: true }),
  ).toHaveCount(1);

  // By identifier on the Bans page: a bad SteamID gets its own error; then the limit again.
  await mp.goto("/bans");
  await mp.getByText("Add a ban by identifier").click();
  const form = mp.getByRole("form", { name: "Add a ban" });
  await form.getByLabel("Identifier 1 kind").selectOption("steam");
  await form.getByLabel("Identifier 1 value").fill("STEAM_9:banana");
  await form.getByLabel("Reason", { exact: true }).fill("Offline ban (e2e)");
  await form.getByLabel(NAME, { exact: true }).check();
  await form.getByLabel("Duration", { exact: true }).fill("1d");
  await form.getByRole("button", { name: "Add ban" }).click();
  await expect(form.getByLabel("Identifier 1 value")).toHaveAttribute("aria-invalid", "true");
  await form.getByLabel("Identifier 1 value").fill("[U:1:424242]");
  await form.getByLabel("Duration", { exact: true }).fill("30d");
  await form.getByRole("button", { name: "Add ban" }).click();
  await expect(form.getByText("At most 7 days", { exact: true })).toBeVisible();
  await form.getByLabel("Duration", { exact: true }).fill("2d");
  await form.getByRole("button", { name: "Add ban" }).click();
  await expect(form.getByText("Ban added.")).toBeVisible();
  await mp.reload();
  await expect(mp.getByRole("row", { name: "[U:1:424242]" })).toHaveCount(0); // stored normalised
  await expect(mp.getByRole("row", { name: "76561197960689970", exact: true })).toContainText(
    "Offline ban (e2e)",
  );
  // Not their ban: no revoke for the Owner's ban.
  await expect(mp.getByRole("button", { name: `Revoke ban for ${banned}` })).toHaveCount(0);
  await moderator.context.close();
});

test("a Viewer sees the bans without identifiers and without actions", async ({ page, browser }) => {
  const viewer = await inviteMember(page, browser, "VIEWER");
  await viewer.page.goto("/bans");
  const row = viewer.page.getByRole("row", { name: banned, exact: true });
  await expect(row).toContainText("Aimbot (e2e)");
  await expect(viewer.page.getByRole("columnheader", { name: "Identifiers" })).toHaveCount(0);
  expect(await viewer.page.content()).not.toContain(bannedIp);
  await expect(viewer.page.getByRole("button", { name: /^Revoke ban for / })).toHaveCount(0);
  await expect(viewer.page.getByText("Add a ban by identifier")).toHaveCount(0);
  await viewer.context.close();
});

test("the Owner revokes the ban with a reason: the row shows it revoked, and the audit log", async ({
  page,
}) => {
  await page.goto("/bans");
  await page.getByRole("button", { name: `Revoke ban for ${banned}`, exact: true }).click();
  const dialog = page.getByRole("dialog", { name: `Revoke ban for ${banned}` });
  await dialog.getByLabel("Reason for revoking").fill("Appeal accepted (e2e)");
  await dialog.getByRole("button", { name: "Revoke", exact: true }).click();
  await expect(dialog).toBeHidden();
  const row = page.getByRole("row", { name: banned, exact: true });
  await expect(row).toContainText("revoked");
  await expect(row).toContainText("Appeal accepted (e2e)");
  await expect(page.getByRole("button", { name: `Revoke ban for ${banned}` })).toHaveCount(0);
  await page.goto("/audit?action=ban.revoke");
  await expect(page.getByRole("table")).toContainText("ban.revoke");
});

test("ban lists: create, choose servers, rename, counts; then edit a ban and revoke two at once", async ({
  page,
}) => {
  const list = `EU ${Date.now().toString(36)}`;
  await page.goto("/bans");
  const section = page.getByRole("region", { name: "Ban lists" });
  await section.getByLabel("Name", { exact: true }).fill(list);
  await section.getByRole("button", { name: "Create list" }).click();
  const card = section.getByRole("listitem").filter({ hasText: list });
  await expect(card).toContainText("(0 bans, 0 servers)");
  await card
    .getByRole("group", { name: `Servers of ${list}` })
    .getByLabel(NAME, { exact: true })
    .check();
  await card.getByRole("button", { name: "Save servers" }).click();
  await expect(card.getByText("Servers saved.")).toBeVisible();
  await expect(card).toContainText("(0 bans, 1 servers)");
  await card.getByLabel("List name").fill(`${list} renamed`);
  await card.getByRole("button", { name: "Rename" }).click();
  const renamed = section.getByRole("listitem").filter({ hasText: `${list} renamed` });
  await expect(renamed).toContainText("(0 bans, 1 servers)");

  // A ban on the list, by address.
  await page.getByText("Add a ban by identifier").click();
  const form = page.getByRole("form", { name: "Add a ban" });
  await form.getByLabel("Identifier 1 kind").selectOption("ip");
  await form.getByLabel("Identifier 1 value").fill("203.0.113.7");
  await form.getByLabel("Reason", { exact: true }).fill("List ban (e2e)");
  await form.getByLabel("A ban list").check();
  await form.getByLabel("Ban list", { exact: true }).selectOption({ label: `${list} renamed` });
  await form.getByRole("button", { name: "Add ban" }).click();
  await expect(form.getByText("Ban added.")).toBeVisible();
  await expect(renamed).toContainText("(1 bans, 1 servers)");
  const listRow = page.getByRole("row", { name: "203.0.113.7", exact: true });
  await expect(listRow).toContainText(`List: ${list} renamed`);

  // Edit the Moderator's ban: new reason, permanent.
  const modRow = page.getByRole("row", { name: "76561197960689970", exact: true });
  await page.getByRole("button", { name: "Edit ban for 76561197960689970" }).click();
  const edit = page.getByRole("dialog", { name: "Edit ban for 76561197960689970" });
  await edit.getByLabel("Reason", { exact: true }).fill("Edited (e2e)");
  await edit.getByRole("button", { name: "permanent", exact: true }).click();
  await edit.getByRole("button", { name: "Save" }).click();
  await expect(edit).toBeHidden();
  await expect(modRow).toContainText("Edited (e2e)");
  await expect(modRow).toContainText("permanent");

  // Bulk revoke both with one reason.
  await page.getByRole("checkbox", { name: "Select ban for 76561197960689970" }).check();
  await page.getByRole("checkbox", { name: "Select ban for 203.0.113.7" }).check();
  const bulk = page.getByRole("form", { name: "Revoke selected bans" });
  await bulk.getByLabel("Reason for revoking 2 ban(s)").fill("Cleanup (e2e)");
  await bulk.getByRole("button", { name: "Revoke selected" }).click();
  await expect(bulk).toBeHidden();
  for (const row of [modRow, listRow]) {
    await expect(row).toContainText("revoked");
    await expect(row).toContainText("Cleanup (e2e)");
  }
});
