"use client";

import { type RefObject, useEffect } from "react";

/**
 * After a submission comes back with errors, focus goes to the first field to
 * correct (or the field marked data-focus-on-error), instead of being lost
 * when React replaces the form's content.
 */
export function useFocusOnError(form: RefObject<HTMLFormElement | null>, state: object, hasErrors: boolean) {
  useEffect(() => {
    if (!hasErrors) return;
    const target = form.current?.querySelector<HTMLElement>('[aria-invalid="true"], [data-focus-on-error]');
    target?.focus();
  }, [form, state, hasErrors]);
}
