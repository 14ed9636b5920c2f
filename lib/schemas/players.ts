/**
 * Player-record inputs. Notes are free text over several lines; reasons are one line (they reach a
 * game console, where a line break would be a second command).
 */
import { z } from "zod";

const CONTROL = /[\u0000-\u001f\u007f]/;
/** Control characters other than line breaks and tabs. */
const CONTROL_IN_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

export const playerIdSchema = z.string().trim().min(1, "Choose a player").max(64);

export const noteTextSchema = z
  .string()
  .trim()
  .min(1, "Write the note")
  .max(2000, "A note is at most 2,000 characters")
  .refine((s) => !CONTROL_IN_TEXT.test(s), "The note cannot hold control characters");

const reasonLine = (max: number) =>
  z
    .string()
    .trim()
    .min(1, "Enter a reason")
    .max(max, `The reason is at most ${max} characters`)
    .refine((s) => !CONTROL.test(s), "The reason cannot hold line breaks or control characters");

/** Why a player is on the watch list (shown to everyone watching a server it joins). */
export const watchReasonSchema = reasonLine(200);

/** A warning's reason: sent in game as "Warning: <reason>". */
export const warnReasonSchema = reasonLine(200);

/**
 * The player to merge into, typed or picked: an id, or a profile link (".../players/<id>") pasted
 * from the address bar.
 */
export const mergeTargetSchema = z
  .string()
  .trim()
  .min(1, "Enter the player to merge with")
  .max(300)
  .transform(
    (value) =>
      value
        .replace(/[?#].*$/, "")
        .replace(/\/+$/, "")
        .split("/")
        .pop() ?? "",
  )
  .pipe(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "Enter a player id or a profile link"));

export const mergePlayersSchema = z
  .object({ intoId: mergeTargetSchema, fromId: mergeTargetSchema })
  .refine((v) => v.intoId !== v.fromId, {
    message: "A player cannot be merged with itself",
    path: ["intoId"],
  });

/** Erasing needs the word typed, so a stray click cannot forget a person. */
export const eraseConfirmSchema = z.literal("ERASE", { error: "Type ERASE to confirm" });
