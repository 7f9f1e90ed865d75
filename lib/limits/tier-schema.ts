import { z } from "zod";
import { eurosToNanos } from "../billing/money";

const none = (v: unknown) => v === null || (typeof v === "string" && (v.trim() === "" || v.trim().toLowerCase() === "none"));

/** Euros as text ("200", "49.90") or a number; empty or "none" for no amount. */
const euros = (example: string) =>
  z.union([z.string(), z.number(), z.null()]).transform((v, ctx) => {
    if (none(v)) return null;
    try {
      const n = eurosToNanos(String(v));
      if (n < 0n) throw new Error();
      return n;
    } catch {
      ctx.addIssue({ code: "custom", message: `An amount in euros such as ${example}, or empty for none` });
      return z.NEVER;
    }
  });

/** A whole number above 0 (from a form's text or the CLI's number); empty or "none" for unlimited when allowed. */
const count = (unlimited: boolean) =>
  z.union([z.string(), z.number(), z.null()]).transform((v, ctx) => {
    if (none(v)) {
      if (unlimited) return null;
      ctx.addIssue({ code: "custom", message: "Required: a whole number above 0" });
      return z.NEVER;
    }
    const n = typeof v === "number" ? v : Number(String(v).replace(/[\s_,]/g, ""));
    if (!Number.isSafeInteger(n) || n <= 0) {
      ctx.addIssue({ code: "custom", message: unlimited ? "A whole number above 0, or empty for unlimited" : "A whole number above 0" });
      return z.NEVER;
    }
    return n;
  });

/**
 * A tier's limits as the console's form and the CLI give them, checked the
 * same way in the browser and on the server. A field left out keeps its
 * value; an empty one means none (no purchase credit, no monthly cap,
 * unlimited tokens).
 */
export const tierSchema = z.object({
  description: z.string().trim().max(200, "At most 200 characters").optional(),
  purchaseCredit: euros("200").optional(),
  monthlyLimit: euros("1000").optional(),
  outputTokensPerHour: count(true).optional(),
  outputTokensPerDay: count(true).optional(),
  requestsPerMinute: count(false).optional(),
  postpaid: z.boolean().optional(),
  highPriority: z.boolean().optional(),
});
export type TierForm = z.input<typeof tierSchema>;

export const tierNameSchema = z.string().trim().min(1, "Give the tier a name").max(100, "At most 100 characters");
