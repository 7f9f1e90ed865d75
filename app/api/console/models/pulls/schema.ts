import { z } from "zod";

export const startPullSchema = z.object({
  url: z.string().trim().min(1, "Enter the file's URL"),
  sha256: z
    .string()
    .trim()
    .regex(/^[0-9a-fA-F]{64}$/, "A SHA-256 is 64 hexadecimal characters")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  name: z.string().trim().optional(),
});
