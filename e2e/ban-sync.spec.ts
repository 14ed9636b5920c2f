import { expect, test, type Page } from "@playwright/test";
import { startEmulator } from "../server/rcon/emulators/registry.ts";
import type { SourceEmulator } from "../server/rcon/emulators/source/emulator.ts";
import { addServer, openServer } from "./helpers";

// Native ban sync seen from the browser (the e2e server runs a sync pass every 2 s:
// BAN_SYNC_EVERY_MS in e2e/server-process.ts). A CS2 emulator for the rejoin (SRCDS is join-only
// for RconDeck; the emulator's own ban commands are switched off too, so only RconDeck can refuse
// the player); a Minecraft emulator (bans without durations) for the timed ban RconDeck lifts
// itself and for drift.

const STAMP = Date.now().toString(36);
const CS2 = `Sync CS2 ${STAMP}`;
const MC = `Sync MC ${STAMP}`;
const PASSWORD = "sync-e2e-pw";
const IP = /\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}/;
let cs2: SourceEmulator;
let mc: SourceEmulator;

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  cs2 = await startEmulator("source", { game: "cs2", password: PASSWORD, players: 5, activity: 0, seed: 33 });
  mc = await startEmulator("source", {
    game: "minecraft",
    password: PASSWORD,
    players: 3,
    activity: 0,
    seed: 34,
  });
});

test.afterAll(async () => {
  await cs2.close();
  await mc.close();
});

function panel(page: Page) {
  return page.getByRole("region", { name: "Bans on this server" });
}

/** Text of a row of the panel's central bans, after asking the page for fresh data. */
async function panelRow(page: Page, name: string): Promise<string> {
  await panel(page).getByRole("button", { name: "Refresh bans" }).click();
  const row = panel(page)
    .getByRole("table", { name: "Bans in scope on this server" })
    .getByRole("row", { name, exact: true });
  return (await row.count()) === 1 ? ((await row.textContent()) ?? "") : "";
}

test("a banned identity rejoining is kicked again, even where the game's own ban list does nothing", async ({
  page,
}) => {
  cs2.world.ignoreBans = true;
  await addServer(page, { name: CS2, game: "cs2", port: cs2.port, password: PASSWORD });
  await openServer(page, CS2);
  const table = page.getByRole("table", { name: "Players on this server" });
  await expect(table.getByRole("button", { name: /^Ban / }).first()).toBeVisible();
  const target = cs2.world.humans.find(
    (p) => IP.test(p.ip) && cs2.world.humans.filter((o) => o.name === p.name).length === 1,
  )!;
  const saved = { ...target };
  await table.getByRole("button", { name: `Ban ${target.name}`, exact: true }).click();
  const dialog = page.getByRole("dialog", { name: `Ban ${target.name}` });
  await dialog.getByRole("button", { name: "1 day", exact: true }).click();
  await dialog.getByLabel("Reason", { exact: true }).fill("Wallhack (e2e)");
  await dialog.getByRole("button", { name: "Ban", exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(table.getByRole("row", { name: target.name, exact: true })).toHaveCount(0, {
    timeout: 20_000,
  });
  const log = page.getByRole("log", { name: "Console output" });
  const kicks = async () =>
    ((await log.textContent()) ?? "").split(`RconDeck kicked ${target.name}: banned (Wallhack (e2e)`).length -
    1;
  await expect.poll(kicks).toBe(1);

  // The same identity connects again (new user id, same SteamID and address).
  cs2.world.players.push({ ...saved, userid: saved.userid + 1000 });
  await expect.poll(kicks, { timeout: 20_000 }).toBe(2);
  await expect(table.getByRole("row", { name: target.name, exact: true })).toHaveCount(0);
  expect(cs2.world.players.some((p) => p.accountId === saved.accountId)).toBe(false);
  // The game never held it: the panel shows the failure, the ban is enforced on join.
  await expect
    .poll(() => panelRow(page, target.name), { timeout: 20_000 })
    .toMatch(/failed|enforced on join only/);
});

test("a ban file imported while the player is online gets them kicked at once", async ({ page }) => {
  await openServer(page, CS2);
  const table = page.getByRole("table", { name: "Players on this server" });
  // By address: CS2's status lists no SteamIDs, so RconDeck knows its players by address and name.
  const target = cs2.world.humans.find(
    (p) => IP.test(p.ip) && cs2.world.humans.filter((o) => o.name === p.name).length === 1,
  )!;
  await expect(table.getByRole("row", { name: target.name, exact: true })).toHaveCount(1);
  const address = IP.exec(target.ip)![0];
  const imported = await page.request.post("/api/bans/import", {
    data: { mode: "commit", text: `addip 0 ${address}`, target: { scope: "all" } },
  });
  expect(imported.status()).toBe(200);
  expect(await imported.json()).toMatchObject({ created: 1 });
  const log = page.getByRole("log", { name: "Console output" });
  await expect(log).toContainText(`RconDeck kicked ${target.name}: banned`, { timeout: 20_000 });
  await expect(table.getByRole("row", { name: target.name, exact: true })).toHaveCount(0, {
    timeout: 20_000,
  });
});

test("a short timed ban is written natively and lifted natively on time on a game without durations", async ({
  page,
}) => {
  test.setTimeout(150_000);
  await addServer(page, { name: MC, game: "minecraft", port: mc.port, password: PASSWORD });
  await page.goto("/bans");
  await page.getByText("Add a ban by identifier").click();
  const form = page.getByRole("form", { name: "Add a ban" });
  await form.getByLabel("Identifier 1 kind").selectOption("mc_name");
  await form.getByLabel("Identifier 1 value").fill("Timed_e2e");
  await form.getByLabel("Reason", { exact: true }).fill("Cooldown (e2e)");
  await form.getByLabel("Chosen servers").check();
  await form.getByLabel(MC, { exact: true }).check();
  await form.getByLabel("Duration", { exact: true }).fill("1m");
  await form.getByRole("button", { name: "Add ban" }).click();
  await expect(form.getByText("Ban added.")).toBeVisible();

  await openServer(page, MC);
  const held = () => mc.world.bans.some((b) => b.kind === "name" && b.value.toLowerCase() === "timed_e2e");
  await expect.poll(() => panelRow(page, "timed_e2e"), { timeout: 20_000 }).toContain("applied natively");
  expect(held()).toBe(true);
  // Minecraft bans are permanent: only RconDeck's lift at expiry takes it off the game's list.
  await expect
    .poll(() => panelRow(page, "timed_e2e"), { timeout: 100_000, intervals: [2_000] })
    .toContain("removed");
  expect(held()).toBe(false);
  expect(await panelRow(page, "timed_e2e")).toContain("expired");
});

test("drift: a ban only the game holds shows on the server page, and Adopt makes it central", async ({
  page,
}) => {
  mc.world.addBan({
    kind: "name",
    value: "Hacker_e2e",
    expiresAt: null,
    reason: "Hand ban (e2e)",
    source: "Rcon",
    label: "Hacker_e2e",
  });
  await openServer(page, MC);
  const native = panel(page).getByRole("table", { name: "Native-only bans" });
  await expect
    .poll(
      async () => {
        await panel(page).getByRole("button", { name: "Refresh bans" }).click();
        return native.getByRole("row", { name: "hacker_e2e", exact: true }).count();
      },
      { timeout: 20_000 },
    )
    .toBe(1);
  await expect(native.getByRole("row", { name: "hacker_e2e", exact: true })).toContainText("Hand ban (e2e)");
  // The Bans page lists it too, marked native only, linked to its server.
  await page.goto("/bans");
  const drift = page
    .getByRole("table", { name: "Native-only bans on your servers" })
    .getByRole("row", { name: "hacker_e2e", exact: true });
  await expect(drift).toContainText("native only");
  await drift.getByRole("link", { name: MC, exact: true }).click();
  await expect(page.getByRole("heading", { name: MC, level: 1 })).toBeVisible();
  await native.getByRole("button", { name: "Adopt native ban hacker_e2e", exact: true }).click();
  await expect(panel(page).getByText("The game holds no bans that RconDeck does not know.")).toBeVisible();
  await expect.poll(() => panelRow(page, "hacker_e2e"), { timeout: 20_000 }).toContain("applied natively");
  expect(mc.world.bans.some((b) => b.value === "Hacker_e2e")).toBe(true);

  await page.goto("/bans");
  await page.getByLabel("Search bans").fill("hacker_e2e");
  await page.getByRole("button", { name: "Filter" }).click();
  const row = page.getByRole("row", { name: "hacker_e2e", exact: true });
  await expect(row).toContainText("Hand ban (e2e)");
  await expect(row).toContainText("permanent");
  await expect(row).toContainText(MC);
  await page.goto("/audit?action=ban.native.adopt");
  await expect(page.getByRole("table")).toContainText("ban.native.adopt");
});
