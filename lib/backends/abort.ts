/**
 * A client's going away, as the calls made for it hear it: a flag and
 * listeners, and a real AbortSignal made only for a part that takes one
 * (undici's streaming request(), fetch, the embedded engine). The JSON answers
 * that make most of the traffic never need one (an AbortController costs a few
 * microseconds, an EventTarget's listeners more).
 */
export interface AbortSource {
  readonly aborted: boolean;
  /** Called once when the client goes away (at once when it has gone already); returns the function that stops listening. */
  onAbort(listener: () => void): () => void;
  /** A real AbortSignal that aborts with this source, made on first use. */
  readonly signal: AbortSignal;
}

const noop = () => {};

/** An AbortSignal as a source (a Web Request's, a stream's own controller's). */
export function sourceOf(signal: AbortSignal): AbortSource {
  return {
    get aborted() {
      return signal.aborted;
    },
    onAbort(listener) {
      if (signal.aborted) {
        listener();
        return noop;
      }
      signal.addEventListener("abort", listener, { once: true });
      return () => signal.removeEventListener("abort", listener);
    },
    signal,
  };
}

/** A source aborted by calling abort(): the gateway's own, one per request. */
export class Aborter implements AbortSource {
  private controller: AbortController | null = null;
  private listeners: (() => void)[] | null = null;
  aborted = false;

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.controller?.abort();
    const listeners = this.listeners;
    this.listeners = null;
    if (listeners) for (const l of listeners) l();
  }

  onAbort(listener: () => void): () => void {
    if (this.aborted) {
      listener();
      return noop;
    }
    (this.listeners ??= []).push(listener);
    return () => {
      const i = this.listeners?.indexOf(listener) ?? -1;
      if (i >= 0) this.listeners!.splice(i, 1);
    };
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort();
    }
    return this.controller.signal;
  }
}

/** What an abort of a call rejects with: the same error fetch and undici give. */
export const abortError = () => new DOMException("This operation was aborted", "AbortError");
