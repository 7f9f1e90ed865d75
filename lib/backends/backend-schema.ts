import { z } from "zod";

export const ENGINES = ["openai", "ollama", "embedded"] as const;
export type Engine = (typeof ENGINES)[number];

/** Engines a person registers; the "embedded" backend is the platform's own, made at start. */
export const REMOTE_ENGINES = ["openai", "ollama"] as const;

export const ENGINE_LABELS: Record<Engine, string> = {
  openai: "OpenAI-compatible",
  ollama: "Ollama",
  embedded: "Built-in engine",
};

/** Milliseconds, from a form's text or the CLI's number; empty leaves the default. */
const timeout = z
  .union([z.string(), z.number()])
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || (typeof v === "string" && v.trim() === "")) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1_000 || n > 3_600_000) {
      ctx.addIssue({ code: "custom", message: "Whole milliseconds between 1000 and 3600000" });
      return z.NEVER;
    }
    return n;
  });

/**
 * A backend as the console's form and the CLI give it, checked the same way
 * in the browser and on the server. The API key is write-only: empty keeps
 * the stored one (or none), `clearApiKey` removes it.
 */
export const backendSchema = z
  .object({
    name: z.string().trim().min(1, "Give the backend a name").max(100, "At most 100 characters"),
    engine: z.enum(ENGINES, { message: "Pick an engine" }),
    url: z.string().trim().min(1, "The root of the engine's API, e.g. http://gpu1:8000/v1").max(2000, "At most 2000 characters"),
    machine: z.string().trim().min(1, "The machine's name, reported in the backend header").max(100, "At most 100 characters"),
    apiKey: z.string().max(4096, "At most 4096 characters").optional(),
    clearApiKey: z.boolean().optional(),
    timeoutMs: timeout,
  })
  .superRefine((b, ctx) => {
    if (b.engine === "embedded") return;
    let ok = false;
    try {
      ok = ["http:", "https:"].includes(new URL(b.url).protocol);
    } catch {
      ok = false;
    }
    if (!ok) ctx.addIssue({ code: "custom", path: ["url"], message: "An http:// or https:// URL, e.g. http://gpu1:8000/v1" });
  });
export type BackendForm = z.input<typeof backendSchema>;
