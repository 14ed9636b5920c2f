"use client";

import Link from "next/link";
import type { ReactNode } from "react";
import { cn } from "@/lib/utils";
import { useOpenProfile } from "./profile-drawer";

const STYLE =
  "cursor-pointer rounded-sm text-left underline decoration-dotted underline-offset-2 hover:decoration-solid focus-visible:outline-2 focus-visible:outline-indigo-500";

/** A player's name that opens the profile drawer (or the profile page where no drawer is around). */
export function PlayerNameButton({
  playerId,
  label,
  className,
  children,
}: {
  playerId: string;
  label?: string;
  className?: string;
  children: ReactNode;
}) {
  const open = useOpenProfile();
  if (!open) {
    return (
      <Link href={`/players/${playerId}`} aria-label={label} className={cn(STYLE, className)}>
        {children}
      </Link>
    );
  }
  return (
    <button
      type="button"
      aria-label={label}
      aria-haspopup="dialog"
      className={cn(STYLE, className)}
      onClick={() => open(playerId)}
    >
      {children}
    </button>
  );
}
