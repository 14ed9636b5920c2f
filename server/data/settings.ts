/** Small persistent settings (AppSetting key/value). */
import type { Db } from "../db/client.ts";

const DEMO_DISABLED = "demo.disabled";

/** True once someone removed a demo server: demo mode stays off from then on. */
export async function isDemoDisabled(db: Db): Promise<boolean> {
  const row = await db.appSetting.findUnique({ where: { key: DEMO_DISABLED } });
  return row?.value === "1";
}

export async function setDemoDisabled(db: Db, disabled: boolean): Promise<void> {
  const value = disabled ? "1" : "0";
  await db.appSetting.upsert({
    where: { key: DEMO_DISABLED },
    create: { key: DEMO_DISABLED, value },
    update: { value },
  });
}
