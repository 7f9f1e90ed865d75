/*
 * Lists that page by keyset: a page starts after the last row of the one
 * before (its sort values, carried in the address as an opaque cursor), so
 * every page costs the same at any depth and rows never repeat or go missing
 * while others are added.
 */

/** A list's order as its address gives it: "name" ascending, "-name" descending. */
export interface Sort<K extends string> {
  key: K;
  desc: boolean;
}

export function parseSort<K extends string>(value: unknown, keys: readonly K[], fallback: Sort<K>): Sort<K> {
  if (typeof value !== "string") return fallback;
  const desc = value.startsWith("-");
  const key = (desc ? value.slice(1) : value) as K;
  return keys.includes(key) ? { key, desc } : fallback;
}

export const sortParam = (sort: Sort<string>) => `${sort.desc ? "-" : ""}${sort.key}`;

/** The cursor after a row: its sort values, opaque to the browser. */
export function encodeCursor(values: readonly string[]): string {
  return Buffer.from(JSON.stringify(values)).toString("base64url");
}

/** A cursor's values, or undefined for anything that is not a cursor of `length` strings (the list then starts at the top). */
export function decodeCursor(value: unknown, length: number): string[] | undefined {
  if (typeof value !== "string" || value.length === 0 || value.length > 1000) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, "base64url").toString("utf8"));
    if (Array.isArray(parsed) && parsed.length === length && parsed.every((v) => typeof v === "string")) return parsed as string[];
  } catch {
    // Not a cursor: the first page.
  }
  return undefined;
}

/** A page out of `limit + 1` fetched rows: the rows to show, and the cursor of the next page when there is one. */
export function pageOf<R>(rows: R[], limit: number, cursorOf: (row: R) => string[]): { rows: R[]; next: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { rows: page, next: rows.length > limit && last ? encodeCursor(cursorOf(last)) : null };
}
