import Link from "next/link";

const LINK = "text-indigo-700 hover:underline dark:text-indigo-300";

/** Keyset paging: the same filters plus `after` (the last row's id); "First page" drops it. */
export function BanPager({ raw, next }: { raw: Record<string, string>; next: string | null }) {
  const href = (after: string | null) => {
    const params = new URLSearchParams(
      Object.entries(raw).filter(([key, value]) => key !== "after" && value !== ""),
    );
    if (after) params.set("after", after);
    const query = params.toString();
    return query ? `/bans?${query}` : "/bans";
  };
  return (
    <nav aria-label="Ban pages" className="flex gap-4 text-sm">
      {raw.after ? (
        <Link href={href(null)} className={LINK}>
          First page
        </Link>
      ) : null}
      {next ? (
        <Link href={href(next)} className={LINK}>
          Next page
        </Link>
      ) : null}
    </nav>
  );
}
