import { listPrices } from "@/db/queries/prices";
import { type Price, priceUnitEnum } from "@/db/schema";
import { every } from "../every";

export const PRICE_UNITS = priceUnitEnum.enumValues;
export type PriceUnit = (typeof PRICE_UNITS)[number];
export type PriceTable = Record<PriceUnit, bigint>;

/**
 * Prices in memory, as they were at any moment: a model's own price for a
 * unit overrides the platform default, and a later row replaces an earlier
 * one only from its effective time on.
 */
export class PriceBook {
  private rows: Price[] = [];
  private loaded: Promise<void> | null = null;
  private stopTimer: (() => void) | undefined;

  constructor(private readonly refreshMs = 5_000) {}

  private started = 0;
  private applied = 0;

  /** Re-read the prices; when reads overlap, the one started last wins whatever order they end in. */
  async refresh(): Promise<void> {
    const read = ++this.started;
    const rows = await listPrices();
    if (read < this.applied) return;
    this.applied = read;
    this.rows = rows;
    this.tables.clear();
  }

  /** Whether prices have been read once (then ready() has nothing to wait for). */
  get isReady(): boolean {
    return this.applied > 0;
  }

  ready(): Promise<void> {
    this.loaded ??= this.refresh().catch((err) => {
      this.loaded = null;
      throw err;
    });
    return this.loaded;
  }

  /** Nano-euros per unit for a model at a time. */
  price(modelId: string | null, unit: PriceUnit, at = new Date()): bigint {
    let own: Price | undefined;
    let fallback: Price | undefined;
    for (const r of this.rows) {
      if (r.unit !== unit || r.effectiveFrom > at) continue;
      if (r.modelId === modelId && modelId !== null) own = r;
      else if (r.modelId === null) fallback = r;
    }
    return (own ?? fallback)?.nanosPerUnit ?? 0n;
  }

  /**
   * A model's price of every unit at a time. Read on every request: each model's table is kept with the span
   * of time it holds for (until the next price of any row takes effect), until the prices are read again.
   */
  table(modelId: string | null, at = new Date()): PriceTable {
    const t = at.getTime();
    const cached = this.tables.get(modelId);
    if (cached && cached.from <= t && t < cached.until) return cached.table;
    const table = Object.freeze(Object.fromEntries(PRICE_UNITS.map((u) => [u, this.price(modelId, u, at)]))) as PriceTable;
    let from = -Infinity;
    let until = Infinity;
    for (const r of this.rows) {
      const e = r.effectiveFrom.getTime();
      if (e <= t) from = Math.max(from, e);
      else until = Math.min(until, e);
    }
    if (this.tables.size > 10_000) this.tables.clear();
    this.tables.set(modelId, { table, from, until });
    return table;
  }

  private readonly tables = new Map<string | null, { table: PriceTable; from: number; until: number }>();

  start(): void {
    this.stop();
    this.stopTimer = every(this.refreshMs, () => this.refresh());
  }

  stop(): void {
    this.stopTimer?.();
    this.stopTimer = undefined;
  }
}

/** Per-million-token and per-unit prices in euros, as the catalogue and /v1/models show them. */
export function publicPrices(t: PriceTable) {
  const perMillion = (n: bigint) => Number(n * 1_000_000n) / 1e9;
  const perUnit = (n: bigint) => Number(n) / 1e9;
  return {
    currency: "EUR",
    input_per_million_tokens: perMillion(t.input_token),
    output_per_million_tokens: perMillion(t.output_token),
    reasoning_per_million_tokens: perMillion(t.reasoning_token),
    rerank_per_million_tokens: perMillion(t.rerank_token),
    batch_input_per_million_tokens: perMillion(t.batch_input_token),
    batch_output_per_million_tokens: perMillion(t.batch_output_token),
    audio_per_started_minute: perUnit(t.audio_minute),
    speech_per_million_characters: perMillion(t.speech_character),
    image_each: perUnit(t.image),
  };
}
