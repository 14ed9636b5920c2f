import { expect, test } from "@playwright/test";
import { DEMO_SERVERS, emitWithAck, inviteMember, socketFor } from "./helpers";

test("a Viewer cannot open Team or add a server: hidden in the UI, refused by the server and the socket", async ({
  page,
  browser,
  baseURL,
}) => {
  // Capture the id of the real "create server" action from an Owner submission.
  await page.goto("/servers");
  await page.getByRole("button", { name: "Add server" }).click();
  const dialog = page.getByRole("dialog", { name: "Add server" });
  await dialog.getByLabel("Name").fill("Owner server");
  await dialog.getByLabel("Host").fill("127.0.0.1");
  await dialog.getByLabel("RCON password").fill("owner-rcon-pw");
  const actionRequest = page.waitForRequest(
    (r) => r.method() === "POST" && r.headers()["next-action"] !== undefined,
  );
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
  const ended = new Promise<string>((resolve) =>
    socket.on("session:ended", (p: { reason: string }) => resolve(p.reason)),
  );

  await page.goto("/team");
  await page.getByRole("button", { name: `Disable ${member.email}` }).click();
  await expect(page.getByRole("button", { name: `Enable ${member.email}` })).toBeVisible();

  expect(await ended).toBe("Your account was disabled.");
  await member.page.reload();
  await expect(member.page).toHaveURL(/\/login/);
  await expect(socketFor(member.context, baseURL ?? "")).rejects.toThrow();
  await member.context.close();
});

test("a server-limited Admin manages only its server: no other servers, no new servers, no wider invites, its own audit events", async ({
  page,
  browser,
}) => {
  const admin = await inviteMember(page, browser, "ADMIN", [DEMO_SERVERS.quake3]);
  const cards = admin.page.getByRole("list", { name: "Game servers" }).getByRole("listitem");
  await expect(cards).toHaveCount(1);
  await expect(cards.first()).toContainText(DEMO_SERVERS.quake3);
  // It manages its server (so it sees where it is) but may not add servers.
  await expect(cards.first()).toContainText(/127\.0\.0\.1:\d+/);
  await expect(admin.page.getByRole("button", { name: `Edit ${DEMO_SERVERS.quake3}` })).toBeVisible();
  await expect(admin.page.getByRole("button", { name: "Add server" })).toHaveCount(0);

  // Its invites reach only its own server: no "All servers" choice, one checkbox.
  await admin.page.goto("/team");
  await expect(admin.page.getByLabel("All servers, including servers added later")).toHaveCount(0);
  const choices = admin.page.getByRole("group", { name: "Servers" }).first().getByRole("checkbox");
  await expect(choices).toHaveCount(1);
  await expect(admin.page.getByRole("group", { name: "Servers" }).first()).toContainText(DEMO_SERVERS.quake3);
  // The Owner is outside its scope: not listed.
  await expect(admin.page.getByText("owner@example.com")).toHaveCount(0);

  // Its audit log holds only its server's events and its own: the Owner's server creation elsewhere is absent.
  await page.goto("/audit?action=server.create");
  await expect(
    page.getByRole("table", { name: "Audit events" }).getByRole("cell", { name: "server.create" }).first(),
  ).toBeVisible();
  await admin.page.goto("/audit?action=server.create");
  await expect(admin.page.getByRole("table", { name: "Audit events" })).toContainText(
    "No events match these filters.",
  );
  await admin.context.close();
});

test("a Viewer's server pages never show the RCON host and port", async ({ page, browser, baseURL }) => {
  const ownPort = new URL(baseURL ?? "http://127.0.0.1").port;
  const endpoints = (html: string) =>
    [...html.matchAll(/127\.0\.0\.1:(\d+)/g)].map((m) => m[1]).filter((port) => port !== ownPort);
  const viewer = await inviteMember(page, browser, "VIEWER");
  const cards = viewer.page.getByRole("list", { name: "Game servers" });
  await expect(cards).toContainText(DEMO_SERVERS.quake3);
  // The Owner's page does show them (it manages every server).
  await page.goto("/servers");
  await expect(page.getByRole("list", { name: "Game servers" })).toContainText(/127\.0\.0\.1:\d+/);
  expect(endpoints(await viewer.page.content())).toEqual([]);
  await viewer.page.getByRole("link", { name: DEMO_SERVERS.quake3, exact: true }).click();
  await expect(viewer.page.getByRole("heading", { name: DEMO_SERVERS.quake3, level: 1 })).toBeVisible();
  expect(endpoints(await viewer.page.content())).toEqual([]);
  await viewer.context.close();
});
