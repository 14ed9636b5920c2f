/** Console and player-action inputs, shared by the socket events and the REST API (and its OpenAPI document). */
import { z } from "zod";

const noControl = (v: string) => !/[\r\n\0]/.test(v);

export const consoleCommandSchema = z
  .string()
  .trim()
  .min(1)
  .max(2000)
  .refine(noControl, "A command is one line");
export const kickReasonSchema = z.string().trim().max(200).refine(noControl, "A reason is one line");
export const playerMessageSchema = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .refine(noControl, "A message is one line");
