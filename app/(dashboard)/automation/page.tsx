import type { Metadata } from "next";
import { ScheduleManager } from "@/components/automation/schedules/schedule-manager";
import { limitedServerIds } from "@/lib/permissions";
import { requireDataContext } from "@/server/auth/next";
import { listSchedules } from "@/server/data/automation/schedules";
import {
  cancelSequenceAction,
  deleteScheduleAction,
  previewScheduleAction,
  saveScheduleAction,
  toggleScheduleAction,
} from "./schedule-actions";

export const metadata: Metadata = { title: "Schedules" };

export default async function SchedulesPage() {
  const ctx = await requireDataContext();
  const page = await listSchedules(ctx);
  return (
    <ScheduleManager
      page={page}
      canTargetAll={limitedServerIds(ctx.actor) === null}
      actions={{
        save: saveScheduleAction,
        preview: previewScheduleAction,
        toggle: toggleScheduleAction,
        remove: deleteScheduleAction,
        cancel: cancelSequenceAction,
      }}
    />
  );
}
