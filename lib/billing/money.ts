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

