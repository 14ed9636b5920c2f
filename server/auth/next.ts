/**
 * Auth glue for code that runs inside Next (pages, server actions, route handlers). Layouts use
 * requireActor() to redirect; the data layer still checks every permission itself.
 */
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { AppError } from "../../lib/errors.ts";
import type { Actor } from "../../lib/permissions.ts";
import { TWO_FACTOR_REQUIRED_MESSAGE, type DataContext } from "../data/context.ts";
import { getRuntime } from "../runtime.ts";
import { budgetMessage } from "./http-budget.ts";
import { clientIpFrom } from "./request-ip.ts";
import { actorForClaims, claimsFromSessionToken, sessionTokenFrom, type SessionClaims } from "./session.ts";

/** The request's session claims (not yet checked against the database). */
export async function getSessionClaims(): Promise<SessionClaims | null> {
  const jar = await cookies();
  const token = sessionTokenFrom(Object.fromEntries(jar.getAll().map((c) => [c.name, c.value])));
  return claimsFromSessionToken(getRuntime().secrets.authSecret, token);
}

export async function getActor(): Promise<Actor | null> {
  const claims = await getSessionClaims();
  return claims ? actorForClaims(getRuntime().db, claims) : null;
}

export async function getRequestIp(): Promise<string> {
  return clientIpFrom(await headers());
}

/** Where a user whose role requires two-factor sign-in, and who has not enrolled, is sent. */
export const TWO_FACTOR_SETUP_PATH = "/account?twofactor=required#two-factor";

/**
 * For pages and layouts: the actor, or a redirect to the sign-in page. An actor that must enrol in
 * two-factor sign-in first is sent to the Account page, except where `twoFactorSetup` says the page
 * is where that happens (the Account page and the layout around it).
 */
export async function requireActor(options: { twoFactorSetup?: boolean } = {}): Promise<Actor> {
  const actor = await getActor();
  if (!actor) redirect("/login");
  if (actor.twoFactorPending && !options.twoFactorSetup) redirect(TWO_FACTOR_SETUP_PATH);
  return actor;
}

/** For pages: a DataContext, or a redirect to the sign-in page (layouts and pages render concurrently). */
export async function requireDataContext(options: { twoFactorSetup?: boolean } = {}): Promise<DataContext> {
  const actor = await requireActor(options);
  return { db: getRuntime().db, actor, ip: await getRequestIp() };
}

/**
 * For server actions and route handlers: a DataContext, or UNAUTHENTICATED. An actor that must enrol
 * in two-factor sign-in first gets TWO_FACTOR_REQUIRED, except for the Account page's own actions
 * (`twoFactorSetup`); the data layer refuses it too (can() is false for it).
 */
export async function getDataContext(options: { twoFactorSetup?: boolean } = {}): Promise<DataContext> {
  const actor = await getActor();
  if (!actor) throw new AppError("UNAUTHENTICATED", "Your session has ended. Sign in again.");
  if (actor.twoFactorPending && !options.twoFactorSetup)
    throw new AppError("TWO_FACTOR_REQUIRED", TWO_FACTOR_REQUIRED_MESSAGE);
  return { db: getRuntime().db, actor, ip: await getRequestIp() };
}

/**
 * Charges the HTTP budget (server/auth/http-budget.ts) for this request: the signed-in user's
 * points (`cost`), or one point of the address's without a session. Only the cookie's signature is checked here, so a
 * flood is refused before any database work; the session itself is checked after.
 */
export async function chargeHttpBudget(cost: number): Promise<void> {
  const claims = await getSessionClaims();
  // Without a session the request ends at UNAUTHENTICATED, whatever it asked for: one point.
  const charge = await getRuntime().httpBudget.charge(
    claims ? { userId: claims.uid } : { address: await getRequestIp() },
    claims ? cost : 1,
  );
  if (!charge.allowed)
    throw new AppError(
      "RATE_LIMITED",
      budgetMessage(charge.retryAfterSeconds),
      undefined,
      charge.retryAfterSeconds,
    );
}

/** For route handlers: the budget charged, then a DataContext (or UNAUTHENTICATED). */
export async function getChargedDataContext(cost: number): Promise<DataContext> {
  await chargeHttpBudget(cost);
  return getDataContext();
}
