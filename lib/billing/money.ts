/** 1 € in the ledger's unit. */
export const NANOS_PER_EURO = 1_000_000_000n;

/** "200", "12.5", "0.000000001" → nano-euros, exactly (no floating point). */
export function eurosToNanos(text: string | number): bigint {
  const s = String(text).trim();
  const m = /^(-)?(\d+)(?:\.(\d{1,9}))?$/.exec(s);
  if (!m) throw new Error(`Invalid amount '${s}': use euros with at most 9 decimals, e.g. 200 or 12.50`);
  const nanos = BigInt(m[2]!) * NANOS_PER_EURO + BigInt((m[3] ?? "").padEnd(9, "0"));
  return m[1] ? -nanos : nanos;
}

/** Nano-euros → "1234.56" (rounded half up to `digits` decimals). */
export function formatEuros(nanos: bigint, digits = 2): string {
  const neg = nanos < 0n;
  let abs = neg ? -nanos : nanos;
  const scale = 10n ** BigInt(9 - digits);
  abs = (abs + scale / 2n) / scale;
  const unit = 10n ** BigInt(digits);
  const whole = abs / unit;
  const frac = digits > 0 ? "." + (abs % unit).toString().padStart(digits, "0") : "";
  return `${neg ? "-" : ""}${whole}${frac}`;
}

/** Nano-euros as a number of euros, for charts only (never for arithmetic). */
export const nanosToEuroNumber = (nanos: bigint) => Number(nanos) / 1e9;

/** Thousands separated, as the console shows counts: 1,234,567. */
const grouped = (whole: string) => whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");

/**
 * THE way to show an amount of money to a person, in the console, the CLI's
 * sentences and error messages: "1,234.56 €", "0.50 €", "0.0072 €".
 *
 * - 1 € and more: cents (two decimals).
 * - Below 1 €: at least two decimals, and as many more as it takes to show two
 *   significant digits, so small request costs stay readable and comparable
 *   (0.007197 € → "0.0072 €", 0.0123 € → "0.012 €"), down to the nano-euro.
 * - `exact: true` (prices, credits typed by a person): every non-zero decimal,
 *   never rounded ("0.0000018 €"), at least two.
 *
 * Rounds half up on the exact integer amount; never goes through a float.
 */
export function formatMoney(nanos: bigint, { exact = false }: { exact?: boolean } = {}): string {
  const abs = nanos < 0n ? -nanos : nanos;
  let digits = 2;
  if (exact) {
    while (digits < 9 && abs % 10n ** BigInt(9 - digits) !== 0n) digits++;
  } else if (abs > 0n && abs < NANOS_PER_EURO) {
    // The position of the first significant digit, plus one more.
    const leadingZeros = 9 - abs.toString().length;
    digits = Math.min(9, Math.max(2, leadingZeros + 2));
  }
  const text = formatEuros(nanos, digits);
  const [whole, frac] = text.replace("-", "").split(".");
  return `${nanos < 0n ? "-" : ""}${grouped(whole!)}${frac ? `.${frac}` : ""} €`;
}
