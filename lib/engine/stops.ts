/**
 * Finds stop sequences in streamed text. Text that might be the start of a
 * stop sequence is held back until the next chunk tells, so a client never
 * sees part of a stop sequence.
 *
 * llama.cpp's own matching looks at each token's text alone, which drops the
 * leading space of SentencePiece tokens: a stop such as " Once" never matched
 * there. Here the text is the answer as the client reads it.
 */
export class StopMatcher {
  private held = "";
  private readonly stops: string[];
  stopped = false;

  constructor(stops: string[]) {
    this.stops = stops.filter((s) => s.length > 0);
  }

  /** The text that can be shown now; after a stop, nothing more. */
  push(chunk: string): string {
    if (this.stopped) return "";
    const text = this.held + chunk;
    let cut = -1;
    for (const stop of this.stops) {
      const at = text.indexOf(stop);
      if (at >= 0 && (cut < 0 || at < cut)) cut = at;
    }
    if (cut >= 0) {
      this.stopped = true;
      this.held = "";
      return text.slice(0, cut);
    }
    const keep = this.pendingLength(text);
    this.held = text.slice(text.length - keep);
    return text.slice(0, text.length - keep);
  }

  /** What was held back when the answer ended for another reason. */
  flush(): string {
    const rest = this.stopped ? "" : this.held;
    this.held = "";
    return rest;
  }

  /** Length of the longest end of `text` that begins some stop sequence. */
  private pendingLength(text: string): number {
    let longest = 0;
    for (const stop of this.stops) {
      for (let n = Math.min(stop.length - 1, text.length); n > longest; n--) {
        if (text.endsWith(stop.slice(0, n))) {
          longest = n;
          break;
        }
      }
    }
    return longest;
  }
}
