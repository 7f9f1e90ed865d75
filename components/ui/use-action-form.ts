"use client";

import { useState, useTransition } from "react";
import type { z } from "zod";
import type { ActionResult } from "@/lib/console/action-result";
import { fieldErrors, fieldOfParam } from "@/lib/console/key-schema";

/**
 * A form sent to a server action: checked first with the same zod schema the
 * server uses (errors beside their fields, nothing sent), then sent; a
 * refusal that names a field of the form shows beside it, any other above
 * the form (`errors.form`).
 */
export function useActionForm<S extends z.ZodType, T>(schema: S, action: (input: z.input<S>) => Promise<ActionResult<T>>, onDone?: (data: T) => void) {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [pending, start] = useTransition();

  function submit(input: z.input<S>, fields: readonly string[]) {
    const checked = schema.safeParse(input);
    if (!checked.success) return setErrors(fieldErrors(checked.error));
    setErrors({});
    start(async () => {
      const result = await action(input);
      if (result.ok) return onDone?.(result.data);
      const field = fieldOfParam(result.error.param);
      // The server words a field's error "param: message"; beside the field the message is enough.
      const prefix = `${result.error.param}: `;
      const message = result.error.message.startsWith(prefix) ? result.error.message.slice(prefix.length) : result.error.message;
      if (fields.includes(field)) setErrors({ [field]: message });
      else setErrors({ form: result.error.message });
    });
  }

  return { errors, pending, submit, reset: () => setErrors({}) };
}
