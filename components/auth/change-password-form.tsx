"use client";

import { useActionState, useRef, useState } from "react";
import { type ChangePasswordState, changePassword } from "@/app/(auth)/change-password/actions";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { TextField } from "@/components/ui/text-field";
import { changePasswordSchema } from "@/lib/console/admin-schema";
import { fieldErrors } from "@/lib/console/key-schema";
import { MIN_PASSWORD_LENGTH } from "@/lib/password-policy";
import { useFocusOnError } from "./use-focus-on-error";

/** The current password and a new one twice, checked here with the server's schema before it is sent. */
export function ChangePasswordForm() {
  const [state, action] = useActionState<ChangePasswordState, FormData>(changePassword, {});
  const [local, setLocal] = useState<Record<string, string> | null>(null);
  const errors = local ?? state.fieldErrors ?? {};
  const form = useRef<HTMLFormElement>(null);
  useFocusOnError(form, local ?? state, Object.keys(errors).length > 0 || !!state.error);

  function check(e: React.FormEvent<HTMLFormElement>) {
    const parsed = changePasswordSchema.safeParse(Object.fromEntries(new FormData(e.currentTarget)));
    if (parsed.success) return setLocal(null);
    e.preventDefault();
    setLocal(fieldErrors(parsed.error));
  }

  return (
    <form ref={form} action={action} onSubmit={check} className="space-y-4" data-testid="change-password-form" noValidate>
      {state.error && !local && (
        <Alert tone="error" testId="change-password-error">
          {state.error}
        </Alert>
      )}
      <TextField label="Current password" name="current" type="password" autoComplete="current-password" required autoFocus error={errors.current} testId="change-password-current" />
      <TextField
        label="New password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        hint={`At least ${MIN_PASSWORD_LENGTH} characters.`}
        error={errors.password}
        testId="change-password-new"
      />
      <TextField label="New password again" name="confirm" type="password" autoComplete="new-password" required error={errors.confirm} testId="change-password-confirm" />
      <SubmitButton pendingLabel="Saving…" testId="change-password-submit">
        Save and continue
      </SubmitButton>
    </form>
  );
}
