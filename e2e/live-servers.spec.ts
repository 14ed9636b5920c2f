import { expect, test, type Page } from "@playwright/test";
import { DEMO_SERVERS, emitWithAck, inviteMember, maxRenderedSeq, openServer, socketFor } from "./helpers";

// Runs against the demo servers (DEMO=1 in e2e/server-process.ts): three emulated game servers
// with players joining, leaving and chatting.

async function runCommand(page: Page, command: string) {
  const input = page.getByLabel("Console command");
  await expect(input).toBeEnabled();
  await input.fill(command);
  await input.press("Enter");
}

test("the overview shows each demo server live and opens its page", async ({ page }) => {
  await page.goto("/servers");
  for (const name of Object.values(DEMO_SERVERS)) {
    const card = page.getByRole("listitem").filter({ has: page.getByRole("link", { name, exact: true }) });
    await expect(card).toContainText("online");
    await expect(card.getByText("Latency")).toBeVisible();
  }
  await page.getByRole("link", { name: DEMO_SERVERS.quake3, exact: true }).click();
  await expect(page).toHaveURL(/\/servers\/[^/]+$/);
  await expect(page.getByRole("heading", { name: DEMO_SERVERS.quake3, level: 1 })).toBeVisible();
});

for (const { server, command, answer } of [
  { server: DEMO_SERVERS.battleye, command: "players", answer: "Players on server:" },
  { server: DEMO_SERVERS.source, command: "status", answer: "hostname" },
  { server: DEMO_SERVERS.quake3, command: "status", answer: "map:" },
]) {
  test(`${server}: live lines stream in, \`${command}\` answers inline, and a reload shows the history`, async ({ page }) => {
    await openServer(page, server);
    const log = page.getByRole("log", { name: "Console output" });
    // History first, then live lines: a line newer than everything shown at first arrives.
    await expect(log.locator("[data-seq]").first()).toBeVisible();
    const before = await maxRenderedSeq(page);
    await expect.poll(() => maxRenderedSeq(page), { timeout: 15_000 }).toBeGreaterThan(before);

    await runCommand(page, command);
    // The answer appears under its own command row.
    const commandRow = log.locator('[data-kind="command"]').filter({ hasText: command }).last();
    await expect(commandRow.locator('[data-kind="answer"]')).toContainText(answer);

    // Up recalls the command just run.
    const input = page.getByLabel("Console command");
    await input.press("ArrowUp");
    await expect(input).toHaveValue(command);
    await input.fill("");

    // Search narrows the log; the command stays with its answer.
    await page.getByLabel("Search console").fill(answer);
    await expect(log.locator('[data-kind="command"]').filter({ hasText: command }).first()).toBeVisible();

    await page.reload();
    await expect(page.getByRole("heading", { name: server, level: 1 })).toBeVisible();
    await page.getByLabel("Search console").fill(answer);
    await expect(log.locator('[data-kind="command"]').filter({ hasText: command }).first().locator('[data-kind="answer"]')).toContainText(answer);
  });
}

test("kicking a player from the table removes the row; the console and the audit log show it", async ({ page }) => {
  await openServer(page, DEMO_SERVERS.battleye);
  const kickButtons = page.getByRole("button", { name: /^Kick / });
  await expect(kickButtons.first()).toBeVisible();
  const label = (await kickButtons.first().getAttribute("aria-label")) ?? "";
  const name = label.replace(/^Kick /, "");
  expect(name).not.toBe("");

  await page.getByRole("button", { name: label, exact: true }).click();
  const dialog = page.getByRole("dialog", { name: label });
  await dialog.getByRole("button", { name: "Cheating" }).click();
  await expect(dialog.getByLabel("Reason", { exact: true })).toHaveValue("Cheating");
  await dialog.getByLabel("Reason", { exact: true }).fill("Cheating (e2e)");
  await dialog.getByRole("button", { name: "Kick player" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("status").filter({ hasText: "was kicked" })).toBeVisible();

  // The row goes once the server's next player list confirms it.
  await expect(page.getByRole("button", { name: label, exact: true })).toHaveCount(0, { timeout: 20_000 });
  await expect(page.getByRole("log", { name: "Console output" }).locator('[data-kind="admin"]').filter({ hasText: `kicked ${name}` }).first()).toBeVisible();

  await page.goto("/audit?action=player.kick");
  const row = page.getByRole("row").filter({ hasText: "player.kick" }).filter({ hasText: `${name} was kicked` });
  await expect(row.first()).toBeVisible();
  await expect(row.first()).toContainText("success");
});

test("a Viewer reads the console but has no command input or player actions; hand-made socket events are refused", async ({ page, browser, baseURL }) => {
  const viewer = await inviteMember(page, browser, "VIEWER");
  const serverId = await openServer(viewer.page, DEMO_SERVERS.quake3);
  const log = viewer.page.getByRole("log", { name: "Console output" });
  await expect(log.locator("[data-seq]").first()).toBeVisible();
  await expect(viewer.page.getByRole("table")).toBeVisible();
  await expect(viewer.page.getByRole("table").getByRole("row").nth(1)).toBeVisible();
  await expect(viewer.page.getByLabel("Console command")).toHaveCount(0);
  await expect(viewer.page.getByRole("button", { name: /^Kick / })).toHaveCount(0);
  await expect(viewer.page.getByRole("button", { name: /^Message / })).toHaveCount(0);
  // Identities are not sent to a Viewer at all.
  await expect(viewer.page.getByRole("columnheader", { name: "IP" })).toHaveCount(0);

  const socket = await socketFor(viewer.context, baseURL ?? "");
  try {
    const exec = await emitWithAck<{ ok: boolean; error?: { code: string } }>(socket, "console:exec", { serverId, command: "status" });
    expect(exec).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    const kick = await emitWithAck<{ ok: boolean; error?: { code: string } }>(socket, "players:kick", { serverId, playerId: "0", reason: "nope" });
    expect(kick).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
  } finally {
    socket.disconnect();
    await viewer.context.close();
  }
});
