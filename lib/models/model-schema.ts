import { z } from "zod";
import { CAPABILITIES } from "./capabilities";

/** What a new model id (and an alias) may hold: the names engines and hubs use ("org/name:tag"). */
export const MODEL_NAME = /^[\w.:/@+-]+$/;

const modelName = (what: string) =>
  z
    .string()
    .trim()
    .min(1, `Give the ${what}`)
    .max(200, "At most 200 characters")
    .regex(MODEL_NAME, "Letters, digits and . : / @ + - _ only");

/** Other names of a model: a list, or text separated by commas or spaces. */
const aliases = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => [...new Set((Array.isArray(v) ? v : v.split(/[\s,]+/)).map((a) => a.trim()).filter(Boolean))])
  .pipe(z.array(modelName("alias")).max(20, "At most 20 aliases"));

const contextLength = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const n = typeof v === "number" ? v : Number(v.trim() || NaN);
  if (!Number.isInteger(n) || n < 1 || n > 10_000_000) {
    ctx.addIssue({ code: "custom", message: "A whole number of tokens, e.g. 32768" });
    return z.NEVER;
  }
  return n;
});

/**
 * A model's settings as the console's form and the CLI give them, checked the
 * same way in the browser and on the server. Fields left out keep their value.
 * A hidden model is neither listed nor usable (see README).
 */
export const modelSchema = z.object({
  description: z.string().trim().max(500, "At most 500 characters").optional(),
  capabilities: z.array(z.enum(CAPABILITIES)).min(1, "Pick at least one capability").optional(),
  aliases: aliases.optional(),
  maxModelLen: contextLength.optional(),
  ownedBy: z.string().trim().min(1, "Who provides the model, e.g. the platform's name").max(100, "At most 100 characters").optional(),
  visible: z.boolean().optional(),
});
export type ModelForm = z.input<typeof modelSchema>;

/** A backend serving a model: which one, and the name it knows the model by (default: the model's id). */
export const modelBackendSchema = z.object({
  backendId: z.string().uuid("Pick a backend"),
  upstreamId: z.string().trim().max(200, "At most 200 characters").optional(),
});
export type ModelBackendForm = z.input<typeof modelBackendSchema>;

/** A model added from the console: its id, its first backend and its settings. */
export const newModelSchema = modelSchema.extend({ id: modelName("model an id"), ...modelBackendSchema.shape });
export type NewModelForm = z.input<typeof newModelSchema>;
