/** Download links for the whole ban table (the Bans page may add its filters to the same URLs). */
export function ExportBansLinks({ query = "" }: { query?: string }) {
  const suffix = query ? `&${query}` : "";
  return (
    <section aria-labelledby="export-bans" className="space-y-2">
      <h2 id="export-bans" className="text-lg font-semibold">
        Export bans
      </h2>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        Every ban you can see, in RconDeck&apos;s format (the import reads it back, expiry included).
      </p>
      <div className="flex gap-3 text-sm">
        <a className="text-indigo-600 underline" href={`/api/bans/export?format=csv${suffix}`} download>
          Export CSV
        </a>
        <a className="text-indigo-600 underline" href={`/api/bans/export?format=json${suffix}`} download>
          Export JSON
        </a>
      </div>
    </section>
  );
}
