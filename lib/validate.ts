import type { z } from "zod";
import { badRequest } from "./errors";

/** Parse input with a zod schema; the first problem becomes a 400 naming the field. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const r = schema.safeParse(input);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const param = issue.path.join(".") || null;
    throw badRequest(param ? `${param}: ${issue.message}` : issue.message, param);
  }
  return r.data;
}
