/**
 * The one way to build a server action: parse FormData with zod (field-level errors), resolve the
 * actor, run the data function (which checks permissions and audits), and map errors to a Result.
 * Raw exception messages never reach the browser.
 */
import { z } from "zod";
import { AppError } from "../../lib/errors.ts";
import { fail, ok, toFailure, type Result } from "../../lib/result.ts";
import type { DataContext } from "../data/context.ts";
import { getRuntime } from "../runtime.ts";
import { HTTP_COSTS } from "./http-budget.ts";
import { chargeHttpBudget, getDataContext } from "./next.ts";

export type FormState<T> = Result<T> | null;

/** FormData -> plain object: repeated keys become arrays where listed, checkboxes become booleans. */
export function formDataToObject(
  formData: FormData,
  shape: { arrays?: readonly string[]; booleans?: readonly string[] } = {},
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of new Set(formData.keys())) {
    if (key.startsWith("$ACTION")) continue;
    const values = formData.getAll(key).filter((v): v is string => typeof v === "string");
    out[key] = shape.arrays?.includes(key) ? values : values[0];
  }
  for (const key of shape.arrays ?? []) out[key] ??= [];
  for (const key of shape.booleans ?? []) out[key] = out[key] === "on" || out[key] === "true";
  return out;
}

function invalid(error: z.ZodError): Result<never> {
  const { fieldErrors } = z.flattenError(error);
  return fail("INVALID_INPUT", "Check the highlighted fields.", fieldErrors);
}

async function run<T>(work: () => Promise<T>): Promise<Result<T>> {
  try {
    return ok(await work());
  } catch (error) {
    if (!(error instanceof AppError))
      getRuntime().logger.error("action failed", {
        error: error instanceof Error ? error.stack : String(error),
      });
    return toFailure(error);
  }
}

/**
 * `cost`: HTTP budget points (default HTTP_COSTS.action); heavier actions charge more.
 * `twoFactorSetup`: the action stays open to a user who must enrol in two-factor sign-in first
 * (the Account page's own actions); every other action refuses it with TWO_FACTOR_REQUIRED.
 */
type Shape = {
  arrays?: readonly string[];
  booleans?: readonly string[];
  cost?: number;
  twoFactorSetup?: boolean;
};

/** An action for signed-in users. The HTTP budget is charged first, even for invalid input. */
export function authedAction<S extends z.ZodType, T>(
  schema: S,
  shape: Shape,
  handler: (input: z.infer<S>, ctx: DataContext) => Promise<T>,
) {
  return async (_previous: FormState<T>, formData: FormData): Promise<Result<T>> => {
    const charged = await run(() => chargeHttpBudget(shape.cost ?? HTTP_COSTS.action));
    if (!charged.ok) return charged;
    const parsed = schema.safeParse(formDataToObject(formData, shape));
    if (!parsed.success) return invalid(parsed.error);
    return run(async () =>
      handler(parsed.data, await getDataContext({ twoFactorSetup: shape.twoFactorSetup === true })),
    );
  };
}

/** An action reachable without a session (setup, invite acceptance): the handler checks its token. */
export function publicAction<S extends z.ZodType, T>(schema: S, handler: (input: z.infer<S>) => Promise<T>) {
  return async (_previous: FormState<T>, formData: FormData): Promise<Result<T>> => {
    const parsed = schema.safeParse(formDataToObject(formData));
    if (!parsed.success) return invalid(parsed.error);
    return run(() => handler(parsed.data));
  };
}
