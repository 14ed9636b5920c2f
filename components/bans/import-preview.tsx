import { Button } from "@/components/ui/button";
import { IMPORT_FORMAT_LABELS } from "@/lib/bans/import/types";
import type { BanImportPreview } from "@/server/data/ban-import";

/** What an import would do (nothing is written yet), with every invalid line listed. */
export function ImportPreview({
  preview,
  busy,
  onImport,
}: {
  preview: BanImportPreview;
  busy: boolean;
  onImport: () => void;
}) {
  const rows: [string, number][] = [
    ["Entries read", preview.entries],
    ["New bans", preview.newBans],
    ["Duplicates merged in the file", preview.duplicatesInFile],
    ["Already banned (skipped)", preview.alreadyBanned],
    ["Revoked or expired (kept as history)", preview.inactive],
    ["Invalid lines", preview.invalidCount],
  ];
  return (
    <section aria-label="Import preview" className="space-y-3">
      <p className="text-sm">Format: {IMPORT_FORMAT_LABELS[preview.format]}</p>
      <dl className="grid grid-cols-2 gap-x-4 gap-y-1 text-sm sm:w-96">
        {rows.map(([label, value]) => (
          <div key={label} className="contents">
            <dt>{label}</dt>
            <dd className="text-right tabular-nums" data-testid={`count-${label}`}>
              {value.toLocaleString("en")}
            </dd>
          </div>
        ))}
      </dl>
      {preview.invalid.length > 0 ? (
        <table aria-label="Invalid lines" className="text-left text-xs">
          <thead>
            <tr>
              <th className="pr-4">Line</th>
              <th>Problem</th>
            </tr>
          </thead>
          <tbody>
            {preview.invalid.map((i) => (
              <tr key={i.line}>
                <td className="pr-4 tabular-nums">{i.line}</td>
                <td>{i.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {preview.invalidCount > preview.invalid.length ? (
        <p className="text-xs">
          Only the first {preview.invalid.length.toLocaleString("en")} invalid lines are listed.
        </p>
      ) : null}
      <Button disabled={busy || preview.newBans === 0} onClick={onImport}>
        Import {preview.newBans.toLocaleString("en")} {preview.newBans === 1 ? "ban" : "bans"}
      </Button>
    </section>
  );
}
