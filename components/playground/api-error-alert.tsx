import { Alert } from "@/components/ui/alert";
import type { ApiError } from "./api";

/** An API error in its own words, with what the person can do about it. */
export function ApiErrorAlert({ error, testId }: { error: Pick<ApiError, "message" | "hint">; testId: string }) {
  return (
    <Alert tone="error" testId={testId}>
      <p>{error.message}</p>
      {error.hint && <p className="mt-1 text-xs">{error.hint}</p>}
    </Alert>
  );
}
