import { z } from "zod";
import { eurosToNanos } from "./money";
import { PRICE_UNIT_INFO, PRICE_UNIT_LIST } from "./price-units";

/**
 * A new price as the console's form and the CLI give it, checked the same way
 * in the browser and on the server: for the platform (no model) or one model,
 * one unit, in euros per the unit's measure, from now or a later time.
 */
export const priceSchema = z
  .object({
    modelId: z
      .string()
      .trim()
      .max(200)
      .nullish()
      .transform((v) => v || null),
    unit: z.enum(PRICE_UNIT_LIST as [string, ...string[]], { message: "Pick what the price is for" }),
    price: z.union([z.string(), z.number()]).transform((v) => String(v).trim()),
    /** "now", or an ISO 8601 time with its offset. */
    effectiveFrom: z.union([z.literal("now"), z.iso.datetime({ offset: true, message: "A date and time, or now" })]).default("now"),
  })
  .transform((p, ctx) => {
    const info = PRICE_UNIT_INFO[p.unit as keyof typeof PRICE_UNIT_INFO];
    let perMeasure: bigint;
    try {
      perMeasure = eurosToNanos(p.price);
    } catch {
      ctx.addIssue({ code: "custom", path: ["price"], message: `Euros per ${info.per}, e.g. 8 or 1.80` });
      return z.NEVER;
    }
    if (perMeasure < 0n) {
      ctx.addIssue({ code: "custom", path: ["price"], message: "A price is 0 or more" });
      return z.NEVER;
    }
    if (perMeasure % info.scale !== 0n) {
      const decimals = 9 - String(info.scale).length + 1;
      ctx.addIssue({ code: "custom", path: ["price"], message: `At most ${decimals} decimals: a price is a whole number of nano-euros per ${info.per.replace(/^million /, "").replace(/s$/, "")}` });
      return z.NEVER;
    }
    return {
      modelId: p.modelId,
      unit: p.unit as keyof typeof PRICE_UNIT_INFO,
      nanosPerUnit: perMeasure / info.scale,
      effectiveFrom: p.effectiveFrom === "now" ? ("now" as const) : new Date(p.effectiveFrom),
    };
  });
export type PriceForm = z.input<typeof priceSchema>;
