/** Ban settings (AppSetting): the Moderators' maximum ban duration and the kick message template. */
import { z } from "zod";
import { AppError } from "../../lib/errors.ts";
import { DEFAULT_KICK_TEMPLATE, parseDuration } from "../../lib/bans/duration.ts";
import { limitedServerIds } from "../../lib/permissions.ts";
import { banSettingsSchema } from "../../lib/schemas/bans.ts";
import type { Db } from "../db/client.ts";
import { recordAudit } from "./audit.ts";
import { requirePermission, type DataContext } from "./context.ts";

const MAX_KEY = "bans.moderatorMaxSeconds";
const TEMPLATE_KEY = "bans.kickTemplate";
export const DEFAULT_MODERATOR_MAX_SECONDS = 7 * 86_400;

export interface BanSettings {
  moderatorMaxSeconds: number;
  kickTemplate: string;
}

export async function getBanSettings(db: Db): Promise<BanSettings> {
  const rows = await db.appSetting.findMany({ where: { key: { in: [MAX_KEY, TEMPLATE_KEY] } } });
  const value = (key: string) => rows.find((r) => r.key === key)?.value;
  const max = Number(value(MAX_KEY));
  return {
    moderatorMaxSeconds: Number.isInteger(max) && max > 0 ? max : DEFAULT_MODERATOR_MAX_SECONDS,
    kickTemplate: value(TEMPLATE_KEY) || DEFAULT_KICK_TEMPLATE,
  };
}

/** Global settings: only an Admin of every server (bans.manage, unlimited) changes them. */
export async function setBanSettings(
  ctx: DataContext,
  raw: { moderatorMaxDuration: string; kickTemplate: string },
): Promise<BanSettings> {
  await requirePermission(ctx, "bans.manage", "ban.settings");
  if (limitedServerIds(ctx.actor) !== null) {
    await recordAudit(ctx.db, {
      actor: ctx.actor,
      action: "ban.settings",
      outcome: "denied",
      detail: "limited to some servers",
      sourceIp: ctx.ip,
    });
    throw new AppError("FORBIDDEN", "Only an Admin of every server may change the ban settings.");
  }
  const parsed = banSettingsSchema.safeParse(raw);
  if (!parsed.success)
    throw new AppError(
      "INVALID_INPUT",
      "Check the highlighted fields.",
      z.flattenError(parsed.error).fieldErrors,
    );
  const duration = parseDuration(parsed.data.moderatorMaxDuration);
  if (!duration.ok || duration.seconds === null) {
    const message = duration.ok ? "Moderators cannot ban permanently: enter a duration." : duration.error;
    throw new AppError("INVALID_INPUT", message, { moderatorMaxDuration: [message] });
  }
  const settings = { moderatorMaxSeconds: duration.seconds, kickTemplate: parsed.data.kickTemplate };
  const write = (key: string, value: string) =>
    ctx.db.appSetting.upsert({ where: { key }, create: { key, value }, update: { value } });
  await ctx.db.$transaction([
    write(MAX_KEY, String(settings.moderatorMaxSeconds)),
    write(TEMPLATE_KEY, settings.kickTemplate),
  ]);
  await recordAudit(ctx.db, {
    actor: ctx.actor,
    action: "ban.settings",
    input: settings,
    outcome: "success",
    sourceIp: ctx.ip,
  });
  return settings;
}
