/**
 * Password strength with zxcvbn-ts (dictionaries of common passwords, names and words; repeats,
 * sequences, keyboard walks, dates, l33t). Server-only: the English and common dictionaries are
 * about 1.5 MB, so the browser gets the verdict as a field error instead of the estimator.
 */
import type { ZxcvbnFactory } from "@zxcvbn-ts/core";
import { AppError } from "../../lib/errors.ts";

/** zxcvbn's 0-4 scale; 3 = "safely unguessable: moderate protection from offline slow-hash scenario". */
export const MIN_PASSWORD_SCORE = 3;

let estimator: Promise<ZxcvbnFactory> | undefined;
/**
 * Loaded on the first password check, not at start-up: the dictionaries are over 10 MB of heap
 * (hundreds of thousands of strings), held for nothing while nobody sets a password.
 */
function getEstimator(): Promise<ZxcvbnFactory> {
  estimator ??= (async () => {
    const [{ ZxcvbnFactory }, common, en] = await Promise.all([
      import("@zxcvbn-ts/core"),
      import("@zxcvbn-ts/language-common"),
      import("@zxcvbn-ts/language-en"),
    ]);
    return new ZxcvbnFactory({
      dictionary: { ...common.dictionary, ...en.dictionary },
      graphs: common.adjacencyGraphs,
      translations: en.translations,
    });
  })();
  return estimator;
}

/** Words the user typed elsewhere (email, name) and the product's own name count as guessable. */
function userInputsFrom(related: readonly (string | null | undefined)[]): string[] {
  const words = new Set<string>(["rcondeck", "rcon"]);
  for (const value of related) {
    if (!value) continue;
    const lower = value.toLowerCase();
    words.add(lower);
    for (const part of lower.split(/[^a-z0-9]+/)) if (part.length >= 3) words.add(part);
  }
  return [...words];
}

/** null when the password is strong enough; otherwise the reasons, for the form. */
export async function passwordWeakness(
  password: string,
  related: readonly (string | null | undefined)[] = [],
): Promise<string[] | null> {
  const result = (await getEstimator()).check(password, userInputsFrom(related));
  if (result.score >= MIN_PASSWORD_SCORE) return null;
  const reasons = [
    result.feedback.warning ?? "This password is too easy to guess.",
    ...result.feedback.suggestions,
  ];
  return [...new Set(reasons)];
}

/** Throws INVALID_INPUT with a field error on `password` when the password is too weak. */
export async function assertStrongPassword(
  password: string,
  related: readonly (string | null | undefined)[] = [],
): Promise<void> {
  const reasons = await passwordWeakness(password, related);
  if (reasons) throw new AppError("INVALID_INPUT", "Choose a stronger password.", { password: reasons });
}
