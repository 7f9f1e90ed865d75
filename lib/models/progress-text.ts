/*
 * Download and upload figures as people read them, the same in the terminal
 * and in the browser: decimal units (as disks and hubs count), one decimal.
 */

export function formatBytes(n: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let i = 0;
  let v = n;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(v >= 100 ? 0 : 1)} ${units[i]}`;
}

export const formatRate = (bytesPerSecond: number) => `${formatBytes(Math.round(bytesPerSecond))}/s`;

/** 75 → "1 min 15 s", 4000 → "1 h 07 min". */
export function formatTimeLeft(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")} min`;
}

/** "12.5 MB of 400 MB · 3.1 MB/s · 2 min 05 s left" */
export function progressLine({ received, total, bytesPerSecond, secondsLeft }: { received: number; total: number | null; bytesPerSecond: number; secondsLeft: number | null }) {
  const parts = [total !== null ? `${formatBytes(received)} of ${formatBytes(total)}` : formatBytes(received)];
  if (bytesPerSecond > 0) parts.push(formatRate(bytesPerSecond));
  if (secondsLeft !== null && bytesPerSecond > 0) parts.push(`${formatTimeLeft(secondsLeft)} left`);
  return parts.join(" · ");
}
