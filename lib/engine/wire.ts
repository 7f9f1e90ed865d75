/*
 * OpenAI's wire format for answers the engine makes itself: JSON bodies,
 * error envelopes, and server-sent events fed from a generator.
 */

export { errorJson, json, sse } from "../backends/wire";

/** A queue between a producer that pushes (token callbacks) and a consumer that iterates. */
export class Channel<T> implements AsyncIterable<T> {
  private items: T[] = [];
  private wake: (() => void) | null = null;
  private ended = false;
  private failure: unknown = null;

  push(item: T): void {
    this.items.push(item);
    this.notify();
  }

  end(failure: unknown = null): void {
    this.ended = true;
    this.failure = failure;
    this.notify();
  }

  private notify() {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    while (true) {
      if (this.items.length > 0) {
        yield this.items.shift()!;
        continue;
      }
      if (this.ended) {
        if (this.failure) throw this.failure;
        return;
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }
}
