import { BAN_STATES } from "@/lib/schemas/bans";
import type { NamedRef } from "./types";

const CONTROL =
  "mt-1 block rounded-md border border-zinc-300 px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900";

/** A plain GET form: search, filters and sort live in the URL (bookmarkable; the server pages by keyset). */
export function BanFilters({
  values,
  servers,
  lists,
  authors,
}: {
  values: Record<string, string>;
  servers: NamedRef[];
  lists: NamedRef[];
  authors: NamedRef[];
}) {
  const select = (name: string, label: string, options: NamedRef[], any = "any") => (
    <label className="text-sm">
      {label}
      <select name={name} defaultValue={values[name] ?? ""} className={CONTROL}>
        <option value="">{any}</option>
        {options.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <form method="get" role="search" aria-label="Filter bans" className="flex flex-wrap items-end gap-3">
      <label className="text-sm">
        Search bans
        <input
          name="search"
          type="search"
          defaultValue={values.search ?? ""}
          placeholder="name, SteamID, IP, reason…"
          maxLength={200}
          className={`${CONTROL} w-64`}
        />
      </label>
      {select(
        "state",
        "State",
        BAN_STATES.map((s) => ({ id: s, name: s })),
      )}
      {select("serverId", "Server", servers)}
      {lists.length > 0 ? select("banListId", "List", lists) : null}
      {select("authorId", "Author", authors)}
      {select("sort", "Sort", [{ id: "oldest", name: "oldest first" }], "newest first")}
      <button className="rounded-md bg-indigo-600 px-3 py-1 text-sm text-white">Filter</button>
    </form>
  );
}
