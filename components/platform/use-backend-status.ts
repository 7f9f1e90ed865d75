"use client";

import { useEffect, useState } from "react";
import type { BackendLive } from "@/lib/console/backends";

const POLL_MS = 3_000;

/**
 * Each backend's live state in this instance's gateway, re-read every few
 * seconds while the page is visible; the last good answer stays on screen
 * when a read fails, with `stale` set.
 */
export function useBackendStatus(initial: BackendLive[]) {
  const [live, setLive] = useState(() => new Map(initial.map((b) => [b.id, b])));
  const [stale, setStale] = useState(false);
  useEffect(() => {
    let stopped = false;
    const read = async () => {
      if (document.visibilityState !== "visible") return;
      try {
        const res = await fetch("/api/console/backends/status", { cache: "no-store" });
        if (!res.ok) throw new Error(String(res.status));
        const body = (await res.json()) as { backends: BackendLive[] };
        if (!stopped) {
          setLive(new Map(body.backends.map((b) => [b.id, b])));
          setStale(false);
        }
      } catch {
        if (!stopped) setStale(true);
      }
    };
    const timer = setInterval(read, POLL_MS);
    document.addEventListener("visibilitychange", read);
    return () => {
      stopped = true;
      clearInterval(timer);
      document.removeEventListener("visibilitychange", read);
    };
  }, []);
  return { live, stale };
}
