/** A record's watch flag (reason as tooltip) and notes count, as the Players page shows them. */
export function RecordFlags({ watch, notes }: { watch: string | null; notes: number }) {
  return (
    <>
      {watch ? (
        <span
          className="rounded bg-red-600 px-1 text-xs font-semibold text-white"
          title={`On the watch list: ${watch}`}
        >
          watched
        </span>
      ) : null}
      {notes > 0 ? (
        <span
          className="rounded bg-amber-100 px-1 text-xs text-amber-900 dark:bg-amber-950 dark:text-amber-200"
          title={`${notes} ${notes === 1 ? "note" : "notes"}`}
        >
          <span aria-hidden="true">✎</span>
          {notes}
          <span className="sr-only"> {notes === 1 ? "note" : "notes"}</span>
        </span>
      ) : null}
    </>
  );
}
