import type { ReactNode } from "react";
import { cn } from "@/lib/utils";

/** A form-level message. Errors use role="alert" so screen readers announce them. */
export function Notice({ tone, children }: { tone: "error" | "success" | "info"; children: ReactNode }) {
  return (
    <div
      role={tone === "error" ? "alert" : "status"}
      className={cn(
        "rounded-md px-3 py-2 text-sm",
        tone === "error" && "bg-red-50 text-red-800 dark:bg-red-950 dark:text-red-200",
        tone === "success" && "bg-emerald-50 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200",
        tone === "info" && "bg-zinc-100 text-zinc-800 dark:bg-zinc-800 dark:text-zinc-200",
      )}
    >
      {children}
    </div>
  );
}
