import path from "node:path";
import { expect, test } from "@playwright/test";
import { createDb, type Db } from "../server/db/client.ts";
import { recordPlayerCountSample } from "../server/data/history.ts";
import { readState } from "./server-process";
import { DEMO_SERVERS, openServer } from "./helpers";

// Player-count charts in the browser: a day of samples (every 5 min, with a map) is stored for the
// CS2 demo server through the data layer, then its page shows the summary, a drawn line and the
// map on hover, the range picker keeps its state in the URL, an unknown range is refused with a
// clear message, and the overview draws the demo server too.

const MAP = `de_chart_${Date.now().toString(36)}`;
let db: Db;

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  db = createDb(`file:${path.join(readState().dataDir, "rcondeck.db")}`);
  const server = await db.server.findFirstOrThrow({ where: { name: DEMO_SERVERS.source } });
  const now = Date.now();
  for (let i = 0; i < 288; i++)
    await recordPlayerCountSample(db, server.id, 40 + (i % 5), new Date(now - i * 300_000), MAP);
});

test.afterAll(async () => {
  await db.$disconnect();
});

test("the server page draws the stored player counts", async ({ page }) => {
  await openServer(page, DEMO_SERVERS.source);
  const panel = page.getByRole("region", { name: "Player count history", exact: true });
  await expect(panel.getByRole("link", { name: "Day" })).toHaveAttribute("aria-current", "page");
  await expect(panel.getByTestId("player-count-summary")).toContainText("peak 44 players");
  const chart = panel.getByTestId("player-count-chart");
  await expect(chart.locator("path.recharts-line-curve")).toHaveCount(1);
  expect(Number(await chart.getAttribute("data-points"))).toBeGreaterThan(200);

  // Hovering a bucket shows its counts and the map played then (the chart must be in the viewport:
  // the mouse reaches nothing below the fold).
  await chart.scrollIntoViewIfNeeded();
  const box = await chart.locator(".recharts-surface").boundingBox();
  if (!box) throw new Error("the chart has no box");
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5, { steps: 5 });
  await expect(chart.getByTestId("player-count-tooltip")).toContainText(`on ${MAP}`);
  await expect(chart.getByTestId("player-count-tooltip")).toContainText(/peak 4\d, average/);

  await panel.getByRole("link", { name: "Week" }).click();
  await expect(page).toHaveURL(/\?range=week$/);
  await expect(panel.getByRole("link", { name: "Week" })).toHaveAttribute("aria-current", "page");
  await expect(panel.getByTestId("player-count-summary")).toContainText("over the last week");
});

test("an unknown range is refused with a clear message; the rest of the page still works", async ({
  page,
}) => {
  const id = await openServer(page, DEMO_SERVERS.source);
  await page.goto(`/servers/${id}?range=year`);
  const panel = page.getByRole("region", { name: "Player count history", exact: true });
  await expect(panel.getByRole("alert")).toHaveText('Unknown range "year": choose day, week or month.');
  await expect(panel.getByTestId("player-count-chart")).toHaveCount(0);
  await expect(page.getByRole("heading", { name: DEMO_SERVERS.source, level: 1 })).toBeVisible();
});

test("the overview draws the servers the user sees, the demo server among them", async ({ page }) => {
  await page.goto("/servers?range=day");
  const panel = page.getByRole("region", { name: "Player count history per server" });
  await expect(panel.getByTestId("player-count-summary")).toContainText("peak 44 players");
  await expect(
    panel.getByTestId("player-count-chart").locator("path.recharts-line-curve").first(),
  ).toBeVisible();
});
