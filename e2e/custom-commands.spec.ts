import { expect, test } from "@playwright/test";
import { DEMO_SERVERS, emitWithAck, inviteMember, openServer, socketFor } from "./helpers";

test("an Owner defines a custom command; a Moderator without console access runs it from the server page and sees the answer", async ({
  page,
  browser,
  baseURL,
}) => {
  // Defining, inviting, signing in and running: slow on a loaded machine (one run took over 60 s).
  test.setTimeout(180_000);
  // The Owner defines "Echo text": a text argument, quoted the way Source games need it.
  await page.goto("/commands");
  await expect(page.getByRole("heading", { name: "Commands", level: 1 })).toBeVisible();
  const form = page.getByRole("form", { name: "New command" });
  await form.getByLabel("Name", { exact: true }).fill("Echo text");
  await form.getByLabel("Description").fill("Prints a line in the server console");
  await form.getByRole("button", { name: "Add argument" }).click();
  await form.getByLabel("Argument 1 type").selectOption("text");
  await form.getByLabel("Argument 1 placeholder name").fill("message");
  await form.getByLabel("Argument 1 label").fill("Message");
  // A template naming an argument that does not exist is refused with the reason.
  await form.getByLabel("Any Source RCON (TCP) game").fill("echo {msg}");
  await form.getByRole("button", { name: "Create command" }).click();
  await expect(form.getByText("{msg} is not one of the arguments")).toBeVisible();
  await form.getByLabel("Any Source RCON (TCP) game").fill("echo {message}");
  await form.getByRole("button", { name: "Create command" }).click();
  await expect(page.getByLabel("Command Echo text")).toBeVisible();

  const moderator = await inviteMember(page, browser, "MODERATOR");
  try {
    // Moderators run commands but do not define them.
    await expect(
      moderator.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Commands" }),
    ).toHaveCount(0);
    await openServer(moderator.page, DEMO_SERVERS.source);
    const input = moderator.page.getByLabel("Console command");
    await expect(input).toBeEnabled();
    // Tab completes the custom command; Enter opens its form.
    await input.fill("/ec");
    await input.press("Tab");
    await expect(input).toHaveValue("/echo-text ");
    await input.press("Enter");
    const run = moderator.page.getByRole("form", { name: "Run Echo text" });
    await run.getByLabel("Message").fill("hello from the moderator");
    await run.getByRole("button", { name: "Run Echo text" }).click();
    const log = moderator.page.getByRole("log", { name: "Console output" });
    await expect(
      log.locator('[data-kind="command"]').filter({ hasText: 'echo "hello from the moderator"' }),
    ).toBeVisible();
    await expect(
      log.locator('[data-kind="answer"]').filter({ hasText: "hello from the moderator" }).first(),
    ).toBeVisible();

    // Raw console commands stay refused for the Moderator, in the UI and on the socket.
    await input.fill("status");
    await input.press("Enter");
    await expect(moderator.page.getByRole("alert").filter({ hasText: "custom commands only" })).toBeVisible();
    const socket = await socketFor(moderator.context, baseURL ?? "");
    try {
      const serverId = /\/servers\/([^/?#]+)/.exec(moderator.page.url())?.[1] ?? "";
      expect(await emitWithAck(socket, "console:exec", { serverId, command: "status" })).toMatchObject({
        ok: false,
        error: { code: "FORBIDDEN" },
      });
    } finally {
      socket.close();
    }
  } finally {
    await moderator.context.close();
    // Other specs expect Moderators without any console input.
    await page.goto("/commands");
    await page.getByRole("button", { name: "Delete Echo text" }).click();
    await expect(page.getByText("No custom commands yet.")).toBeVisible();
  }
});
