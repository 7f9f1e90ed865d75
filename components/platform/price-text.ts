import { PRICE_UNIT_INFO, perMeasure } from "@/lib/billing/price-units";
import type { PriceUnit } from "@/lib/billing/prices";
import { formatMoney } from "@/lib/format";

/** "8.00 € / million tokens": a stored per-unit price in the measure a price list uses. */
export const priceText = (unit: PriceUnit, nanosPerUnit: string) => `${formatMoney(perMeasure(unit, BigInt(nanosPerUnit)), { exact: true })} / ${PRICE_UNIT_INFO[unit].per}`;
