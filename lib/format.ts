import { formatEuros } from "@/lib/billing/money";

const grouped = (whole: string) => whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");

/**
 * THE way to show an amount of money to a person: console pages, charts,
 * e-mails, the CLI's sentences and error messages. "1,234.56 €", "0.50 €",
 * "0.0072 €". Takes nano-euros as a bigint or its decimal string (JSON).
 *
 * - 1 € and more: cents (two decimals), thousands separated.
 * - Below 1 €: at least two decimals, and as many more as it takes to show two
 *   significant digits, so small request costs stay readable and comparable
 *   (0.007197 € → "0.0072 €", 0.0123 € → "0.012 €", 0.01 € → "0.01 €"),
 *   down to the nano-euro.
 * - `exact: true` (prices, budgets a person typed): every non-zero decimal,
 *   never rounded ("0.0000018 €"), at least two.
 *
 * Rounds half up on the exact integer amount; never goes through a float.
 */
export function formatMoney(nanos: bigint | string | number, { exact = false }: { exact?: boolean } = {}): string {
  const n = typeof nanos === "bigint" ? nanos : BigInt(nanos);
  const abs = n < 0n ? -n : n;
  let digits = 2;
  if (exact) {
    while (digits < 9 && abs % 10n ** BigInt(9 - digits) !== 0n) digits++;
  } else if (abs > 0n && abs < 1_000_000_000n) {
    // The first significant digit's place, plus one more.
    digits = Math.min(9, Math.max(2, 9 - abs.toString().length + 2));
  }
  const [whole, frac] = formatEuros(n, digits).replace("-", "").split(".");
  // Zeros past the cents say nothing: 0.010 € reads as 0.01 €.
  const shown = frac!.slice(0, 2) + frac!.slice(2).replace(/0+$/, "");
  return `${n < 0n ? "-" : ""}${grouped(whole!)}.${shown} €`;
}

/** 1234567 → "1,234,567"; with compact, "1.2M". */
export function formatCount(n: number, compact = false): string {
  if (compact && Math.abs(n) >= 10_000) return new Intl.NumberFormat("en", { notation: "compact", maximumFractionDigits: 1 }).format(n);
  return new Intl.NumberFormat("en").format(n);
}

/** A percentage with one decimal under 10 %. */
export function formatPercent(fraction: number): string {
  const p = fraction * 100;
  return `${p < 10 && p !== 0 ? p.toFixed(1) : Math.round(p)} %`;
}

/** Milliseconds for people: "840 ms", "2.4 s". */
export function formatMs(ms: number | null): string {
  if (ms === null) return "—";
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

/** A date and time in a given time zone, the same on the server and in any browser: "30 Nov 2026, 14:05". */
export function formatDateTime(at: Date | string, tz: string): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone: tz, day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(new Date(at));
}

/** A date alone, in a given time zone: "30 Nov 2026". */
export function formatDate(at: Date | string, tz: string): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone: tz, day: "numeric", month: "short", year: "numeric" }).format(new Date(at));
}

/** How long from now until `at` (or since, when past): "in 23 h 5 min", "4 min ago". */
export function formatRelative(at: Date | string, now = new Date()): string {
  const ms = new Date(at).getTime() - now.getTime();
  const abs = Math.abs(ms);
  const min = Math.round(abs / 60_000);
  let text: string;
  if (abs < 60_000) text = abs < 10_000 ? "" : `${Math.round(abs / 1000)} s`;
  else if (min < 60) text = `${min} min`;
  else if (min < 48 * 60) text = `${Math.floor(min / 60)} h${min % 60 ? ` ${min % 60} min` : ""}`;
  else text = `${Math.round(min / 1440)} days`;
  if (!text) return ms >= 0 ? "in a moment" : "just now";
  return ms >= 0 ? `in ${text}` : `${text} ago`;
}
