const recent = new Map<number, string>();

/**
 * A date as ISO 8601 text, remembered for the instants asked for over and over: the starts of the limits'
 * windows (every request), a request's time (its ledger debit, its usage event and its journal line).
 */
export function isoOf(d: Date): string {
  return isoOfTime(d.getTime());
}

/** The same, from a time in milliseconds. */
export function isoOfTime(t: number): string {
  let text = recent.get(t);
  if (text === undefined) {
    text = new Date(t).toISOString();
    if (recent.size >= 256) recent.clear();
    recent.set(t, text);
  }
  return text;
}
