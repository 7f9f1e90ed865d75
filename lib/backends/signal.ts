/*
 * What stops a call to a backend. An AbortSignal is one; so is the production
 * listener's ClientGone, which costs a plain object where an AbortSignal costs an
 * EventTarget (on Node 20 the largest single cost of a request's own objects).
 * A part that needs a real AbortSignal (fetch, undici's request(), the embedded
 * engine) takes one with abortSignalOf().
 */

export interface CallSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: "abort", listener: () => void): void;
}

const aborted = () => new DOMException("This operation was aborted", "AbortError");

/** A signal that aborts once, when abort() is called (the client went away): listeners are called once. */
export class ClientGone implements CallSignal {
  aborted = false;
  reason: unknown = undefined;
  private listeners: (() => void)[] | null = null;
  private real: AbortController | null = null;

  /** Listeners are called once whether or not they ask for it (`once`): the signal aborts only once. */
  addEventListener(type: "abort", listener: () => void, _options?: { once?: boolean }): void {
    if (type !== "abort" || this.aborted) return;
    (this.listeners ??= []).push(listener);
  }

  removeEventListener(type: "abort", listener: () => void): void {
    const i = type === "abort" && this.listeners ? this.listeners.indexOf(listener) : -1;
    if (i >= 0) this.listeners!.splice(i, 1);
  }

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = aborted();
    this.real?.abort(this.reason);
    const listeners = this.listeners;
    this.listeners = null;
    if (!listeners) return;
    for (const l of listeners) {
      try {
        l();
      } catch (err) {
        // As an AbortSignal does: the others are still called, and the error is thrown on its own.
        process.nextTick(() => {
          throw err;
        });
      }
    }
  }

  /** The same as an AbortSignal, made at the first call. */
  get signal(): AbortSignal {
    if (!this.real) {
      this.real = new AbortController();
      if (this.aborted) this.real.abort(this.reason);
    }
    return this.real.signal;
  }
}

/** `s` as an AbortSignal: itself when it is one. */
export function abortSignalOf(s: CallSignal): AbortSignal;
export function abortSignalOf(s: CallSignal | undefined): AbortSignal | undefined;
export function abortSignalOf(s: CallSignal | undefined): AbortSignal | undefined {
  if (s === undefined || s instanceof AbortSignal) return s;
  if (s instanceof ClientGone) return s.signal;
  const controller = new AbortController();
  if (s.aborted) controller.abort(s.reason);
  else s.addEventListener("abort", () => controller.abort(s.reason), { once: true });
  return controller.signal;
}
