"use client";

import { useState } from "react";
import { ApiError, networkError } from "./api";
import { type BilledUsage, billedUsage } from "./billed";

/**
 * The life of one try-out call: busy while it runs, its error in the API's
 * words, then what the platform billed for it (looked up by request id).
 */
export function useBilledCall() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [billed, setBilled] = useState<BilledUsage | null>(null);
  const [billing, setBilling] = useState(false);

  /** Run a call that returns the response headers; errors land in `error`, `onError` may reset the caller's state. */
  async function run(call: () => Promise<Headers>, onError?: () => void) {
    setBusy(true);
    setError(null);
    setBilled(null);
    try {
      const headers = await call();
      setBilling(true);
      setBilled(await billedUsage(headers.get("id")));
    } catch (err) {
      setError(err instanceof ApiError ? err : networkError(err));
      onError?.();
    } finally {
      setBilling(false);
      setBusy(false);
    }
  }

  /** Forget the last call's error and bill (a new input was chosen). */
  function reset() {
    setError(null);
    setBilled(null);
  }

  return { busy, error, billed, billing, run, reset };
}
