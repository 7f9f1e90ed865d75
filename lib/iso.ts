/*
 * A date as ISO 8601 text, for the instants asked for over and over: the starts of the limits' windows (every
 * request) and a request's time (its ledger debit, its usage event and its journal line). Recent instants are
 * remembered, and the text of the current second is kept, so a new instant in it costs its milliseconds only.
 */

const recent = new Map<number, string>();
let second = Number.NaN;
/** "YYYY-MM-DDTHH:MM:SS." of `second`. */
let prefix = "";

export function isoOf(d: Date): string {
  return isoOfTime(d.getTime());
}

/** The same, from a time in milliseconds. */
export function isoOfTime(t: number): string {
  let text = recent.get(t);
  if (text !== undefined) return text;
  const s = Math.floor(t / 1000);
  if (s === second) {
    const ms = t - s * 1000;
    text = `${prefix}${ms < 10 ? "00" : ms < 100 ? "0" : ""}${ms}Z`;
  } else {
    text = new Date(t).toISOString();
    // Years outside 0000–9999 are written with six digits and a sign: their second is not kept.
    if (text.length === 24) {
      second = s;
      prefix = text.slice(0, 20);
    }
  }
  if (recent.size >= 256) recent.clear();
  recent.set(t, text);
  return text;
}
