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

/** Parse a console form with the zod schema its page uses: the first problem becomes a 400 whose param is the field, shown beside it. */
export function parseForm<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const r = schema.safeParse(input);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw badRequest(issue.message, issue.path.length ? String(issue.path[0]) : null);
  }
  return r.data;
}
