"use client";

import { useEffect, useState } from "react";

/** The current time, refreshed every `intervalMs`, for "time on server" and "5 s ago" texts. */
export function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
