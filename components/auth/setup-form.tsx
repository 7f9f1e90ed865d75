"use client";

import { useActionState, useRef } from "react";
import { setup, type SetupState } from "@/app/(auth)/actions";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { TextField } from "@/components/ui/text-field";
import { useFocusOnError } from "./use-focus-on-error";

export function SetupForm({ minPasswordLength }: { minPasswordLength: number }) {
  const [state, action] = useActionState<SetupState, FormData>(setup, {});
  const errors = state.fieldErrors ?? {};
  const form = useRef<HTMLFormElement>(null);
  useFocusOnError(form, state, Object.keys(errors).length > 0 || !!state.error);
  return (
    <form ref={form} action={action} className="space-y-4" data-testid="setup-form" noValidate>
      {state.error && (
        <Alert tone="error" testId="setup-error">
          {state.error}
        </Alert>
      )}
      <TextField
        label="Account name"
        name="accountName"
        hint="Your company or team. API usage is billed to this account."
        required
        autoFocus
        defaultValue={state.values?.accountName}
        error={errors.accountName}
        testId="setup-account-name"
      />
      <TextField
        label="Your name"
        name="name"
        autoComplete="name"
        defaultValue={state.values?.name}
        error={errors.name}
        testId="setup-name"
      />
      <TextField
        label="Email"
        name="email"
        type="email"
        autoComplete="username"
        required
        defaultValue={state.values?.email}
        error={errors.email}
        testId="setup-email"
      />
      {state.values && (
        <p className="text-xs text-muted" data-testid="setup-passwords-cleared">
          Passwords are never sent back to the browser, so they were cleared: type them again.
        </p>
      )}
      <TextField
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        minLength={minPasswordLength}
        hint={`At least ${minPasswordLength} characters.`}
        error={errors.password}
        testId="setup-password"
      />
      <TextField
        label="Confirm password"
        name="confirm"
        type="password"
        autoComplete="new-password"
        required
        error={errors.confirm}
        testId="setup-confirm"
      />
      <SubmitButton pendingLabel="Creating…" testId="setup-submit">
        Create account and sign in
      </SubmitButton>
    </form>
  );
}
