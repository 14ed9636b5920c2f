import { expect, test } from "@playwright/test";
import { emitWithAck, inviteMember, socketFor } from "./helpers";

test("a Viewer cannot open Team or add a server: hidden in the UI, refused by the server and the socket", async ({ page, browser, baseURL }) => {
  // Capture the id of the real "create server" action from an Owner submission.
  await page.goto("/servers");
  await page.getByRole("button", { name: "Add server" }).click();
  const dialog = page.getByRole("dialog", { name: "Add server" });
  await dialog.getByLabel("Name").fill("Owner server");
  await dialog.getByLabel("Host").fill("127.0.0.1");
  await dialog.getByLabel("RCON password").fill("owner-rcon-pw");
  const actionRequest = page.waitForRequest((r) => r.method() === "POST" && r.headers()["next-action"] !== undefined);
  await dialog.getByRole("button", { name: "Add server" }).click();
  const ownerRequest = await actionRequest;
  const ownerHeaders = ownerRequest.headers();
  await expect(dialog).toBeHidden();

  const viewer = await inviteMember(page, browser, "VIEWER");
  const nav = viewer.page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Servers" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Team" })).toHaveCount(0);
  await expect(nav.getByRole("link", { name: "Audit log" })).toHaveCount(0);
  await expect(viewer.page.getByRole("button", { name: "Add server" })).toHaveCount(0);
  await expect(viewer.page.getByRole("button", { name: /^Edit / })).toHaveCount(0);

  // Direct requests are refused by the server.
  const team = await viewer.page.goto("/team");
  expect(team?.status()).toBe(404);
  // Replay the Owner's exact "create server" request with the Viewer's session.
  const direct = await viewer.context.request.post("/servers", {
    headers: {
      "next-action": ownerHeaders["next-action"] ?? "",
      "content-type": ownerHeaders["content-type"] ?? "",
      accept: "text/x-component",
    },
    data: ownerRequest.postDataBuffer() ?? Buffer.alloc(0),
  });
  expect(await direct.text()).toContain("You do not have permission to do that.");
  await page.goto("/servers");
  await expect(page.getByRole("listitem").filter({ hasText: "Owner server" })).toHaveCount(1);

  // A socket event sent by hand is refused too.
  const socket = await socketFor(viewer.context, baseURL ?? "");
  const result = await emitWithAck<{ ok: boolean; error?: { code: string } }>(socket, "audit:subscribe", {});
  expect(result).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
  socket.disconnect();
  await viewer.context.close();
});

test("disabling a user ends their access at once", async ({ page, browser, baseURL }) => {
  const member = await inviteMember(page, browser, "MODERATOR");
  const socket = await socketFor(member.context, baseURL ?? "");
  const ended = new Promise<string>((resolve) => socket.on("session:ended", (p: { reason: string }) => resolve(p.reason)));

  await page.goto("/team");
  await page.getByRole("button", { name: `Disable ${member.email}` }).click();
  await expect(page.getByRole("button", { name: `Enable ${member.email}` })).toBeVisible();

  expect(await ended).toBe("Your account was disabled.");
  await member.page.reload();
  await expect(member.page).toHaveURL(/\/login/);
  await expect(socketFor(member.context, baseURL ?? "")).rejects.toThrow();
  await member.context.close();
});
