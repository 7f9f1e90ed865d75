"use client";

import { useFormStatus } from "react-dom";
import { Button } from "./button";

/** The submit button of a server-action form: disabled, with a progress label, while the action runs. */
export function SubmitButton({
  children,
  pendingLabel,
  testId,
}: {
  children: React.ReactNode;
  pendingLabel: string;
  testId: string;
}) {
  const { pending } = useFormStatus();
  return (
    <Button type="submit" disabled={pending} aria-disabled={pending} data-testid={testId} className="w-full">
      {pending ? pendingLabel : children}
    </Button>
  );
}
