/** One-click reason templates above a reason field (kick, warn, ban): the pressed one is the current reason. */
export function ReasonTemplates({
  templates,
  reason,
  onPick,
}: {
  templates: readonly string[];
  reason: string;
  onPick: (template: string) => void;
}) {
  return (
    <fieldset className="space-y-1">
      <legend className="text-sm font-medium">Reason templates</legend>
      <div className="flex flex-wrap gap-1">
        {templates.map((template) => (
          <button
            key={template}
            type="button"
            aria-pressed={reason === template}
            onClick={() => onPick(template)}
            className="rounded-full border border-zinc-300 px-2 py-0.5 text-xs aria-pressed:border-indigo-600 aria-pressed:bg-indigo-50 dark:border-zinc-700 dark:aria-pressed:bg-indigo-950"
          >
            {template}
          </button>
        ))}
      </div>
    </fieldset>
  );
}
