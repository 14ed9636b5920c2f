"use client";

import { useEffect, useState } from "react";

/** setTimeout's largest delay; a deadline further away is reached by the regular ticks. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The first of `deadlines` (epoch ms) after `now`, or null. */
export function nextDeadline(deadlines: readonly number[], now: number): number | null {
  let next: number | null = null;
  for (const deadline of deadlines) if (deadline > now && (next === null || deadline < next)) next = deadline;
  return next;
}

/**
 * The current time, refreshed every `intervalMs`, for "time on server" and "5 s ago" texts, and
 * also just after each of `deadlines` (ban expiries), so "expired" is not up to a tick late.
 */
export function useNow(intervalMs: number, deadlines: readonly number[] = []): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  const next = nextDeadline(deadlines, now);
  useEffect(() => {
    if (next === null) return;
    // A few ms past the deadline: a timer may fire a little early, and the label compares with <=.
    const delay = next - Date.now() + 20;
    if (delay > MAX_TIMER_MS) return;
    const timer = setTimeout(() => setNow(Date.now()), Math.max(0, delay));
    return () => clearTimeout(timer);
  }, [next]);
  return now;
}
