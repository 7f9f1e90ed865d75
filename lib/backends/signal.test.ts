import { describe, expect, it } from "vitest";
import { type CallSignal, ClientGone, abortSignalOf } from "./signal";

describe("ClientGone", () => {
  it("calls each listener once when it aborts, and not one removed before", () => {
    const gone = new ClientGone();
    const calls: string[] = [];
    const removed = () => calls.push("removed");
    gone.addEventListener("abort", () => calls.push("a"), { once: true });
    gone.addEventListener("abort", removed);
    gone.addEventListener("abort", () => calls.push("b"));
    gone.removeEventListener("abort", removed);
    expect(gone.aborted).toBe(false);
    gone.abort();
    gone.abort();
    expect(calls).toEqual(["a", "b"]);
    expect(gone.aborted).toBe(true);
    expect((gone.reason as DOMException).name).toBe("AbortError");
    // Added after the end: never called (its owner reads `aborted` first).
    gone.addEventListener("abort", () => calls.push("late"));
    expect(calls).toEqual(["a", "b"]);
  });

  it("gives an AbortSignal that aborts with it, made before or after it aborted", () => {
    const gone = new ClientGone();
    const early = gone.signal;
    expect(early).toBeInstanceOf(AbortSignal);
    expect(gone.signal).toBe(early);
    expect(early.aborted).toBe(false);
    gone.abort();
    expect(early.aborted).toBe(true);
    expect(early.reason).toBe(gone.reason);

    const late = new ClientGone();
    late.abort();
    expect(late.signal.aborted).toBe(true);
  });
});

describe("abortSignalOf", () => {
  it("gives an AbortSignal as it is, a ClientGone's own, and follows any other CallSignal", () => {
    const controller = new AbortController();
    expect(abortSignalOf(controller.signal)).toBe(controller.signal);
    expect(abortSignalOf(undefined)).toBeUndefined();
    const gone = new ClientGone();
    expect(abortSignalOf(gone)).toBe(gone.signal);

    let listener: (() => void) | null = null;
    const other: CallSignal & { aborted: boolean } = {
      aborted: false,
      reason: "stopped",
      addEventListener: (_type, l) => {
        listener = l;
      },
      removeEventListener: () => {},
    };
    const signal = abortSignalOf(other);
    expect(signal.aborted).toBe(false);
    other.aborted = true;
    listener!();
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe("stopped");
  });
});
