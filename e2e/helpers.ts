import { expect, type Browser, type BrowserContext, type Locator, type Page } from "@playwright/test";
import { io, type Socket } from "socket.io-client";

export const OWNER = { name: "Olga Owner", email: "owner@example.com", password: "owner-password-123" };
export const MEMBER_PASSWORD = "member-password-123";

let counter = 0;
/** Unique per test run, so specs never collide on emails. */
export function uniqueEmail(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${counter++}@example.com`;
}

export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** The Owner creates an invite link on the team page (every server, or only `servers`). */
export async function createInviteLink(
  ownerPage: Page,
  role: "ADMIN" | "MODERATOR" | "VIEWER",
  servers?: string[],
): Promise<{ email: string; link: string }> {
  const email = uniqueEmail(role.toLowerCase());
  await ownerPage.goto("/team");
  await ownerPage.getByLabel("Email").fill(email);
  await ownerPage.getByLabel("Role").first().selectOption(role);
  if (servers) {
    await ownerPage.getByLabel("Only the servers checked below").first().check();
    for (const name of servers)
      await ownerPage
        .getByRole("group", { name: "Servers" })
        .first()
        .getByLabel(name, { exact: true })
        .check();
  } else {
    await ownerPage.getByLabel("All servers, including servers added later").first().check();
  }
  await ownerPage.getByRole("button", { name: "Create invite link" }).click();
  const link = (await ownerPage.getByLabel("Invite link").textContent())?.trim() ?? "";
  expect(link).toContain("/invite?token=");
  return { email, link };
}

/**
 * The Owner invites a member through the Team screen (every server, or only the named ones); the
 * member accepts in a fresh context and signs in.
 */
export async function inviteMember(
  ownerPage: Page,
  browser: Browser,
  role: "ADMIN" | "MODERATOR" | "VIEWER",
  servers?: string[],
): Promise<{ email: string; context: BrowserContext; page: Page }> {
  const { email, link } = await createInviteLink(ownerPage, role, servers);

  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await page.goto(link);
  await page.getByLabel("Name").fill(`${role} member`);
  await page.getByLabel("Password", { exact: true }).fill(MEMBER_PASSWORD);
  await page.getByLabel("Confirm password").fill(MEMBER_PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/login/);
  await signIn(page, email, MEMBER_PASSWORD);
  await expect(page.getByRole("heading", { name: "Servers" })).toBeVisible();
  return { email, context, page };
}

/** Adds a server on 127.0.0.1 through the servers page's form, as an Owner does. */
export async function addServer(
  page: Page,
  server: { name: string; game: string; port: number; password: string },
): Promise<void> {
  await page.goto("/servers");
  await page.getByRole("button", { name: "Add server" }).click();
  const dialog = page.getByRole("dialog", { name: "Add server" });
  await dialog.getByLabel("Name").fill(server.name);
  await dialog.getByLabel("Game", { exact: true }).selectOption(server.game);
  await dialog.getByLabel("Host").fill("127.0.0.1");
  await dialog.getByLabel("RCON port").fill(String(server.port));
  await dialog.getByLabel("RCON password").fill(server.password);
  await dialog.getByRole("button", { name: "Add server" }).click();
  await expect(dialog).toBeHidden();
}

/** A socket.io client carrying a browser context's session cookie: an event "sent by hand". */
export async function socketFor(context: BrowserContext, baseURL: string): Promise<Socket> {
  const cookie = (await context.cookies(baseURL)).map((c) => `${c.name}=${c.value}`).join("; ");
  const socket = io(baseURL, {
    transports: ["websocket"],
    extraHeaders: { cookie },
    reconnection: false,
    forceNew: true,
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
  return socket;
}

export function emitWithAck<T = unknown>(socket: Socket, event: string, payload: unknown): Promise<T> {
  return new Promise((resolve) => socket.emit(event, payload, resolve));
}

/** The demo servers that DEMO=1 adds on the empty e2e database (server/demo/demo.ts). */
export const DEMO_SERVERS = {
  battleye: "Demo · Arma 3 (BattlEye)",
  source: "Demo · Counter-Strike 2 (Source)",
  quake3: "Demo · OpenArena (Quake 3)",
} as const;

/** Opens a server's page from its overview card and returns the server id from the URL. */
export async function openServer(page: Page, name: string): Promise<string> {
  await page.goto("/servers");
  await page.getByRole("link", { name, exact: true }).click();
  await expect(page.getByRole("heading", { name, level: 1 })).toBeVisible();
  const id = /\/servers\/([^/?#]+)/.exec(page.url())?.[1];
  expect(id).toBeTruthy();
  return id ?? "";
}

/** Highest console seq currently rendered (the console marks each row with data-seq). */
export async function maxRenderedSeq(page: Page): Promise<number> {
  const seqs = await page
    .getByRole("log", { name: "Console output" })
    .locator("[data-seq]")
    .evaluateAll((nodes) => nodes.map((n) => Number(n.getAttribute("data-seq"))));
  return seqs.length === 0 ? 0 : Math.max(...seqs);
}

/**
 * Clicks `button` until `opened` holds. Right after a reload the page may not be hydrated yet, and
 * a click on a client-side button then does nothing (seen on loaded CI machines); a second click
 * after hydration does. `opened` must fail fast while nothing happened.
 */
export async function clickUntil(
  button: Locator,
  opened: () => Promise<void>,
  timeout = 30_000,
): Promise<void> {
  await expect(async () => {
    try {
      await opened();
      return;
    } catch {
      await button.click({ timeout: 2_000 });
    }
    await opened();
  }).toPass({ timeout });
}
