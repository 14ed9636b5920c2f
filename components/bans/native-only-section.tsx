import Link from "next/link";
import type { NativeOnlyRowDto } from "@/server/data/server-bans";

/**
 * The Bans page's native-only bans: what game servers hold that no central ban covers. Adopt and
 * Remove live on each server's page (they act on one server's list), linked from each row.
 */
export function NativeOnlySection({ rows }: { rows: NativeOnlyRowDto[] }) {
  return (
    <section aria-labelledby="native-only-heading" className="space-y-2">
      <h2 id="native-only-heading" className="text-lg font-semibold">
        Native-only bans
      </h2>
      {rows.length === 0 ? (
        <p className="text-sm text-zinc-500">No game server holds bans that RconDeck does not know.</p>
      ) : (
        <table aria-label="Native-only bans on your servers" className="w-full text-left text-sm">
          <thead className="border-b border-zinc-200 text-xs uppercase text-zinc-500 dark:border-zinc-800">
            <tr>
              <th scope="col" className="px-3 py-2">
                Identifier
              </th>
              <th scope="col" className="px-3 py-2">
                Reason
              </th>
              <th scope="col" className="px-3 py-2">
                Time left
              </th>
              <th scope="col" className="px-3 py-2">
                Server
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr
                key={row.id}
                aria-label={row.value ?? `${row.kind} (hidden)`}
                className="border-b border-zinc-100 dark:border-zinc-800"
              >
                <td className="px-3 py-2 font-mono text-xs">
                  {row.kind}: {row.value ?? "hidden"}
                  <span className="ml-2 rounded bg-amber-100 px-1 text-xs text-amber-900 dark:bg-amber-950 dark:text-amber-200">
                    native only
                  </span>
                </td>
                <td className="max-w-64 px-3 py-2">{row.reason || "—"}</td>
                <td className="whitespace-nowrap px-3 py-2">
                  {row.minutesLeft === null ? "permanent" : `${row.minutesLeft} min`}
                  {row.removeRequested ? (
                    <div className="text-xs text-zinc-500">removal requested</div>
                  ) : null}
                </td>
                <td className="px-3 py-2">
                  <Link
                    href={`/servers/${row.serverId}`}
                    className="text-indigo-700 hover:underline dark:text-indigo-300"
                  >
                    {row.serverName}
                  </Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
