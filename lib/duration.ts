import { badRequest } from "./errors";

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000, y: 365 * 86_400_000 };

/** "30d", "12h", "2w", "1y" → milliseconds. */
export function parseDuration(text: string, param = "expires"): number {
  const m = /^(\d+)\s*([mhdwy])$/.exec(text.trim());
  if (!m || Number(m[1]) <= 0) {
    throw badRequest(`Invalid duration '${text}': use a number followed by m, h, d, w or y (e.g. 30d)`, param);
  }
  return Number(m[1]) * UNITS[m[2]!]!;
}
