import { expect, test } from "@playwright/test";

test("an Owner adds, edits and removes a server; the RCON password never reaches the browser", async ({ page }) => {
  const password = `rcon-${Date.now()}-SECRET`;
  const bodies: string[] = [];
  page.on("response", async (response) => {
    try {
      bodies.push(await response.text());
    } catch {
      // redirects and aborted requests have no body
    }
  });

  await page.goto("/servers");
  await page.getByRole("button", { name: "Add server" }).click();
  const dialog = page.getByRole("dialog", { name: "Add server" });
  // Invalid input: field-level errors, nothing saved.
  await dialog.getByLabel("Host").fill("not a host!");
  await dialog.getByRole("button", { name: "Add server" }).click();
  await expect(dialog.getByText("Enter a name")).toBeVisible();
  await expect(dialog.getByText("Enter a host name or IP address, without port")).toBeVisible();
  await expect(dialog.getByText("Enter the RCON password")).toBeVisible();

  await dialog.getByLabel("Name").fill("Altis Life #1");
  await dialog.getByLabel("Game").selectOption("arma3");
  await expect(dialog.getByLabel("RCON port")).toHaveValue("2306");
  await dialog.getByLabel("Host").fill("127.0.0.1");
  await dialog.getByLabel("RCON password").fill(password);
  await dialog.getByRole("button", { name: "Add server" }).click();
  await expect(dialog).toBeHidden();
  const card = page.getByRole("listitem").filter({ hasText: "Altis Life #1" });
  await expect(card).toContainText("Arma 3");
  await expect(card).toContainText("127.0.0.1:2306");

  // Editing shows the password blank; leaving it blank keeps it.
  await page.getByRole("button", { name: "Edit Altis Life #1" }).click();
  const edit = page.getByRole("dialog", { name: "Edit server" });
  await expect(edit.getByLabel("RCON password")).toHaveValue("");
  await edit.getByLabel("Name").fill("Altis Life #2");
  await edit.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("listitem").filter({ hasText: "Altis Life #2" })).toBeVisible();

  await page.reload();
  await expect(page.getByRole("listitem").filter({ hasText: "Altis Life #2" })).toBeVisible();
  for (const body of bodies) expect(body).not.toContain(password);
  expect(await page.content()).not.toContain(password);

  await page.getByRole("button", { name: "Remove Altis Life #2" }).click();
  await page.getByRole("dialog", { name: "Remove server" }).getByRole("button", { name: "Remove server" }).click();
  await expect(page.getByRole("listitem").filter({ hasText: "Altis Life #2" })).toHaveCount(0);

  // Every change is in the audit log.
  await page.goto("/audit?action=server.");
  for (const action of ["server.create", "server.update", "server.delete"]) {
    await expect(page.getByRole("cell", { name: action, exact: true }).first()).toBeVisible();
  }
});
