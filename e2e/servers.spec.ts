import { expect, test } from "@playwright/test";
import { clickUntil } from "./helpers";

test("an Owner adds, edits and removes a server; the RCON password never reaches the browser", async ({
  page,
}) => {
  const password = `rcon-${Date.now()}-SECRET`;
  // Names of this attempt only: a retry must not find the first attempt's server under the same name.
  const first = `Altis Life ${Date.now().toString(36)} #1`;
  const second = first.replace(/#1$/, "#2");
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
  await expect(dialog.getByText("A host has no spaces")).toBeVisible();
  await expect(dialog.getByText("Enter the RCON password")).toBeVisible();

  await dialog.getByLabel("Name").fill(first);
  await dialog.getByLabel("Game", { exact: true }).selectOption("arma3");
  await expect(dialog.getByLabel("RCON port")).toHaveValue("2306");
  await dialog.getByLabel("Host").fill("127.0.0.1");
  await dialog.getByLabel("RCON password").fill(password);
  await dialog.getByRole("button", { name: "Add server" }).click();
  await expect(dialog).toBeHidden();
  const card = page.getByRole("listitem").filter({ hasText: first });
  await expect(card).toContainText("Arma 3");
  await expect(card).toContainText("127.0.0.1:2306");

  // Editing shows the password blank; leaving it blank keeps it.
  await page.getByRole("button", { name: `Edit ${first}` }).click();
  const edit = page.getByRole("dialog", { name: "Edit server" });
  await expect(edit.getByLabel("RCON password")).toHaveValue("");
  await edit.getByLabel("Name").fill(second);
  await edit.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("listitem").filter({ hasText: second })).toBeVisible();

  await page.reload();
  await expect(page.getByRole("listitem").filter({ hasText: second })).toBeVisible();
  for (const body of bodies) expect(body).not.toContain(password);
  expect(await page.content()).not.toContain(password);

  const removeDialog = page.getByRole("dialog", { name: "Remove server" });
  await clickUntil(page.getByRole("button", { name: `Remove ${second}` }), () =>
    expect(removeDialog).toBeVisible({ timeout: 2_000 }),
  );
  await removeDialog.getByRole("button", { name: "Remove server" }).click();
  await expect(page.getByRole("listitem").filter({ hasText: second })).toHaveCount(0);

  // Every change is in the audit log.
  await page.goto("/audit?action=server.");
  for (const action of ["server.create", "server.update", "server.delete"]) {
    await expect(page.getByRole("cell", { name: action, exact: true }).first()).toBeVisible();
  }
});

test("the server form explains bad hosts and ports, and a stored password does not follow a new address", async ({
  page,
}) => {
  const name = `Moving ${Date.now()}`;
  await page.goto("/servers");
  await page.getByRole("button", { name: "Add server" }).click();
  const dialog = page.getByRole("dialog", { name: "Add server" });
  await dialog.getByLabel("Name").fill(name);
  await dialog.getByLabel("Game", { exact: true }).selectOption("cs2");
  await dialog.getByLabel("Host").fill("127.0.0.1:27015");
  await dialog.getByLabel("RCON port").fill("1e3");
  await dialog.getByLabel("RCON password").fill("stored-secret");
  await dialog.getByRole("button", { name: "Add server" }).click();
  await expect(
    dialog.getByText("Enter the host without a port: put the port in the Port field"),
  ).toBeVisible();
  await expect(dialog.getByText("Enter the port as a number from 1 to 65535, digits only")).toBeVisible();
  await expect(dialog.getByLabel("Text encoding")).toHaveJSProperty("tagName", "SELECT");

  await dialog.getByLabel("Host").fill("127.0.0.1");
  await dialog.getByLabel("RCON port").fill("27015");
  await dialog.getByRole("button", { name: "Add server" }).click();
  await expect(dialog).toBeHidden();
  const card = page.getByRole("listitem").filter({ hasText: name });
  await expect(card).toContainText("127.0.0.1:27015");

  // Another host with the password left blank: refused on the server, with the reason on the password field.
  await page.getByRole("button", { name: `Edit ${name}` }).click();
  const edit = page.getByRole("dialog", { name: "Edit server" });
  await edit.getByLabel("Host").fill("192.0.2.10");
  await expect(edit.getByText("Enter the password again: the stored one is kept only while")).toBeVisible();
  await edit.getByRole("button", { name: "Save changes" }).click();
  await expect(
    edit.getByText(
      "Enter the RCON password again: the stored one is kept only while the protocol, host and port stay the same",
    ),
  ).toBeVisible();
  await expect(edit.getByLabel("RCON password")).toHaveAttribute("aria-invalid", "true");
  await page.reload();
  await expect(page.getByRole("listitem").filter({ hasText: name })).toContainText("127.0.0.1:27015");

  // With the password typed again, the move is saved.
  const again = page.getByRole("dialog", { name: "Edit server" });
  await clickUntil(page.getByRole("button", { name: `Edit ${name}` }), () =>
    expect(again).toBeVisible({ timeout: 2_000 }),
  );
  await again.getByLabel("Host").fill("192.0.2.10");
  await again.getByLabel("RCON password").fill("typed-again");
  await again.getByRole("button", { name: "Save changes" }).click();
  await expect(again).toBeHidden();
  await expect(page.getByRole("listitem").filter({ hasText: name })).toContainText("192.0.2.10:27015");

  await page.getByRole("button", { name: `Remove ${name}` }).click();
  await page
    .getByRole("dialog", { name: "Remove server" })
    .getByRole("button", { name: "Remove server" })
    .click();
  await expect(page.getByRole("listitem").filter({ hasText: name })).toHaveCount(0);
});
