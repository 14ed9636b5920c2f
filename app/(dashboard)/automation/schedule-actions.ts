"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { authedAction } from "@/server/auth/action";
import {
  cancelSequence,
  createSchedule,
  deleteSchedule,
  previewSchedule,
  setScheduleEnabled,
  updateSchedule,
} from "@/server/data/automation/schedules";

// The data layer validates the form itself (lib/automation/schedules.ts) with field-level errors.
const formShape = { arrays: ["servers"], booleans: ["allServers", "confirmed"] } as const;
const id = z.string().min(1).max(64);

export const saveScheduleAction = authedAction(
  z.looseObject({ id: id.optional() }),
  formShape,
  async (input, ctx) => {
    const { id: scheduleId, ...form } = input;
    const saved = scheduleId
      ? await updateSchedule(ctx, scheduleId, form, Date.now())
      : await createSchedule(ctx, form, Date.now());
    revalidatePath("/automation");
    return { id: saved.id, name: saved.name };
  },
);

export const previewScheduleAction = authedAction(
  z.object({ schedule: z.string().max(120), timeZone: z.string().max(64).optional() }),
  {},
  (input, ctx) => previewSchedule(ctx, input, Date.now()),
);

export const toggleScheduleAction = authedAction(
  z.object({ id, enabled: z.enum(["true", "false"]) }),
  {},
  async (input, ctx) => {
    await setScheduleEnabled(ctx, input.id, input.enabled === "true", Date.now());
    revalidatePath("/automation");
    return { id: input.id };
  },
);

export const deleteScheduleAction = authedAction(z.object({ id }), {}, async (input, ctx) => {
  await deleteSchedule(ctx, input.id);
  revalidatePath("/automation");
  return { id: input.id };
});

export const cancelSequenceAction = authedAction(
  z.object({ scheduleId: id, dueAt: z.string().max(40) }),
  {},
  async (input, ctx) => {
    const result = await cancelSequence(ctx, input, Date.now());
    revalidatePath("/automation");
    return result;
  },
);
