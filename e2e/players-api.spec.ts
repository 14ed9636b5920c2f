import { expect, test } from "@playwright/test";
import { inviteMember } from "./helpers";

interface ErrorBody {
  error: { code: string; message: string; fieldErrors?: Record<string, string[]> };
}

// The players API over real HTTP: a session is required (401 UNAUTHENTICATED as JSON), errors keep
// their codes, and each user has an HTTP budget answered with 429 RATE_LIMITED and Retry-After,
// which leaves other users alone.
test("the players API needs a session, answers errors as JSON and has a per-user budget", async ({
  page,
  browser,
  playwright,
  baseURL,
}) => {
  const anonymous = await playwright.request.newContext({
    baseURL,
    storageState: { cookies: [], origins: [] },
  });
  for (const path of ["/api/players?q=bob", "/api/players/some-player"]) {
    const res = await anonymous.get(path);
    expect(res.status()).toBe(401);
    expect(((await res.json()) as ErrorBody).error.code).toBe("UNAUTHENTICATED");
  }
  await anonymous.dispose();

  const search = await page.request.get("/api/players");
  expect(search.status()).toBe(200);
  expect(search.headers()["cache-control"]).toContain("no-store");
  const found = (await search.json()) as { results: unknown[]; next: string | null };
  expect(Array.isArray(found.results)).toBe(true);
  expect(found.next === null || typeof found.next === "string").toBe(true);
  const missing = await page.request.get("/api/players/no-such-player");
  expect(missing.status()).toBe(404);
  expect(((await missing.json()) as ErrorBody).error.code).toBe("NOT_FOUND");
  const forged = await page.request.get("/api/players?q=bob&after=not-a-cursor");
  expect(forged.status()).toBe(400);
  expect(((await forged.json()) as ErrorBody).error).toMatchObject({
    code: "INVALID_INPUT",
    fieldErrors: { after: expect.any(Array) },
  });

  const viewer = await inviteMember(page, browser, "VIEWER");
  let last = await viewer.page.request.get("/api/players?q=bob");
  let requests = 1;
  while (last.status() === 200 && requests < 1_000) {
    last = await viewer.page.request.get("/api/players?q=bob");
    requests++;
  }
  expect(requests).toBeGreaterThan(1);
  expect(last.status()).toBe(429);
  expect(((await last.json()) as ErrorBody).error.code).toBe("RATE_LIMITED");
  const retryAfter = Number(last.headers()["retry-after"]);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  // The profile route shares the budget; the Owner's is untouched.
  expect((await viewer.page.request.get("/api/players/some-player")).status()).toBe(429);
  expect((await page.request.get("/api/players?q=bob")).status()).toBe(200);
  await viewer.context.close();
});
