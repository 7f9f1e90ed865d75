import { useRef } from "react";

/** Bytes per second and seconds left over the last few seconds of a transfer the browser measures itself. */
export function useSpeed() {
  const samples = useRef<{ at: number; bytes: number }[]>([]);
  return {
    reset: () => void (samples.current = []),
    measure(received: number, total: number | null) {
      const now = performance.now();
      const s = samples.current;
      s.push({ at: now, bytes: received });
      while (s.length > 2 && now - s[0]!.at > 5000) s.shift();
      const span = (now - s[0]!.at) / 1000;
      const bytesPerSecond = span > 0 ? (received - s[0]!.bytes) / span : 0;
      return { received, total, bytesPerSecond, secondsLeft: total !== null && bytesPerSecond > 0 ? (total - received) / bytesPerSecond : null };
    },
  };
}
