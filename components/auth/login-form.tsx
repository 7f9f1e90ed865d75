"use client";

import { useActionState, useRef } from "react";
import { login, type LoginState } from "@/app/(auth)/actions";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { TextField } from "@/components/ui/text-field";
import { useFocusOnError } from "./use-focus-on-error";

/** The sign-in form; a notice from the page before (signed out, account ready) gives way to the first error. */
export function LoginForm({ callbackUrl, notice }: { callbackUrl: string; notice?: string }) {
  const [state, action] = useActionState<LoginState, FormData>(login, {});
  const form = useRef<HTMLFormElement>(null);
  useFocusOnError(form, state, !!state.error);
  return (
    <form ref={form} action={action} className="space-y-4" data-testid="login-form">
      {notice && !state.error && (
        <Alert tone="notice" testId="login-notice">
          {notice}
        </Alert>
      )}
      {state.error && (
        <Alert tone="error" testId="login-error">
          {state.error}
        </Alert>
      )}
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <TextField
        label="Email"
        name="email"
        type="email"
        autoComplete="username"
        required
        autoFocus
        defaultValue={state.email}
        testId="login-email"
      />
      <TextField
        label="Password"
        name="password"
        type="password"
        autoComplete="current-password"
        required
        data-focus-on-error
        testId="login-password"
      />
      <SubmitButton pendingLabel="Signing in…" testId="login-submit">
        Sign in
      </SubmitButton>
    </form>
  );
}
