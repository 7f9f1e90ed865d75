import { z } from "zod";

/** A new key's form, checked the same way in the browser and on the server. */
export const createKeySchema = z.object({
  name: z.string().trim().min(1, "Give the key a name").max(100, "At most 100 characters"),
  expires: z.string().trim().max(40).optional(),
  models: z.array(z.string().trim().min(1)).max(200).optional(),
  monthlyBudget: z
    .string()
    .trim()
    .max(20)
    .regex(/^(\d+(\.\d{1,9})?)?$/, "An amount in euros, such as 25 or 12.50")
    .optional(),
  outputTokensPerHour: z.coerce.number().int("A whole number").positive("More than 0").optional(),
  outputTokensPerDay: z.coerce.number().int("A whole number").positive("More than 0").optional(),
});
export type CreateKeyForm = z.input<typeof createKeySchema>;

/** Field name → message, for errors shown beside their fields. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? "");
    out[field] ??= issue.message;
  }
  return out;
}

/** A server error's param (snake_case) as the form's field name. */
export const fieldOfParam = (param: string | null) => (param ? param.replace(/_(\w)/g, (_, c: string) => c.toUpperCase()) : "");

export const GRACE_CHOICES = [
  { value: "now", label: "End it now" },
  { value: "1h", label: "1 hour" },
  { value: "24h", label: "24 hours" },
  { value: "7d", label: "7 days" },
  { value: "date", label: "Until a date…" },
] as const;
