"use client";

import { useEffect, useState } from "react";
import { formatRelative } from "@/lib/format";

/** "in 23 h 5 min", kept current while the page is open; "ended" once the time has passed. */
export function Countdown({ until, testId }: { until: string; testId?: string }) {
  const [now, setNow] = useState<Date | null>(null);
  useEffect(() => {
    setNow(new Date());
    const t = setInterval(() => setNow(new Date()), 15_000);
    return () => clearInterval(t);
  }, []);
  // Rendered the same on the server and at first paint; the browser's clock takes over after.
  if (!now) return <span data-testid={testId}>until {until.slice(0, 16).replace("T", " ")} UTC</span>;
  const ended = new Date(until) <= now;
  return <span data-testid={testId}>{ended ? "ended" : `ends ${formatRelative(until, now)}`}</span>;
}
