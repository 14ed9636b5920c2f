import { memo } from "react";
import { parseColouredText, type ColourRule } from "@/lib/colour-codes";

/**
 * Quake palette colours as theme-aware classes: the raw palette has white and black, which vanish
 * on one theme or the other, and pure yellow is unreadable on white. Other colours (DarkPlaces
 * `^xRGB`) are used as they are.
 */
const PALETTE_CLASSES: Record<string, string> = {
  "#000000": "text-zinc-900 dark:text-zinc-400",
  "#ff0000": "text-red-600 dark:text-red-400",
  "#00ff00": "text-green-700 dark:text-green-400",
  "#ffff00": "text-yellow-700 dark:text-yellow-300",
  "#0000ff": "text-blue-700 dark:text-blue-400",
  "#00ffff": "text-cyan-700 dark:text-cyan-300",
  "#ff00ff": "text-fuchsia-700 dark:text-fuchsia-400",
  "#ffffff": "",
  "#ff8000": "text-orange-600 dark:text-orange-400",
  "#808080": "text-zinc-500",
};

/**
 * Text with the game's colour codes rendered (or shown as is when the game has none). Wrapped in
 * <bdi> so right-to-left or mixed-script names never reorder the text around them.
 */
export const ColouredText = memo(function ColouredText({
  text,
  rule,
}: {
  text: string;
  rule: ColourRule | null;
}) {
  if (!rule || !text.includes("^")) return <bdi>{text}</bdi>;
  const segments = parseColouredText(text, rule);
  return (
    <bdi>
      {segments.map((segment, i) => {
        if (segment.colour === null) return <span key={i}>{segment.text}</span>;
        const className = PALETTE_CLASSES[segment.colour];
        return className !== undefined ? (
          <span key={i} className={className}>
            {segment.text}
          </span>
        ) : (
          <span key={i} style={{ color: segment.colour }}>
            {segment.text}
          </span>
        );
      })}
    </bdi>
  );
});
