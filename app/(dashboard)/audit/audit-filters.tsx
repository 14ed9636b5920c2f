import { AUDIT_OUTCOMES, AUDIT_PAGE_SIZES } from "@/lib/schemas/audit";

const CONTROL =
  "mt-1 block rounded-md border border-zinc-300 px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900";

/** A plain GET form: every filter lives in the URL, so a filtered view can be bookmarked and shared. */
export function AuditFilters({
  values,
  servers,
  errors,
}: {
  values: Record<string, string>;
  servers: { id: string; name: string }[];
  errors: string[] | undefined;
}) {
  return (
    <form method="get" className="flex flex-wrap items-end gap-3" role="search" aria-label="Filter audit log">
      <label className="text-sm">
        Action
        <input
          name="action"
          defaultValue={values.action ?? ""}
          placeholder="server. or team.invite"
          className={CONTROL}
        />
      </label>
      <label className="text-sm">
        Actor email
        <input name="actor" type="email" defaultValue={values.actor ?? ""} className={CONTROL} />
      </label>
      <label className="text-sm">
        Server
        <select name="serverId" defaultValue={values.serverId ?? ""} className={CONTROL}>
          <option value="">any</option>
          {servers.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      </label>
      <label className="text-sm">
        Outcome
        <select name="outcome" defaultValue={values.outcome ?? ""} className={CONTROL}>
          <option value="">any</option>
          {AUDIT_OUTCOMES.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      </label>
      <label className="text-sm">
        From (UTC)
        <input name="from" type="datetime-local" defaultValue={values.from ?? ""} className={CONTROL} />
      </label>
      <label className="text-sm">
        To (UTC)
        <input name="to" type="datetime-local" defaultValue={values.to ?? ""} className={CONTROL} />
      </label>
      <label className="text-sm">
        Per page
        <select name="size" defaultValue={values.size ?? String(AUDIT_PAGE_SIZES[1])} className={CONTROL}>
          {AUDIT_PAGE_SIZES.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </label>
      <button className="rounded-md bg-indigo-600 px-3 py-1 text-sm text-white">Filter</button>
      {errors?.length ? (
        <ul className="w-full text-xs text-red-600 dark:text-red-400" aria-label="Filter errors">
          {errors.map((e) => (
            <li key={e}>{e}</li>
          ))}
        </ul>
      ) : null}
    </form>
  );
}
