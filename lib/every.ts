/**
 * Run a background task every `ms` milliseconds without keeping the process
 * alive. A run that is still going when the next is due is not doubled, and a
 * failure never stops the schedule (it goes to `onError`). Returns the stop function.
 */
export function every(ms: number, task: () => Promise<unknown>, onError: (err: unknown) => void = () => {}): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    task()
      .catch(onError)
      .finally(() => {
        running = false;
      });
  }, ms);
  timer.unref();
  return () => clearInterval(timer);
}
