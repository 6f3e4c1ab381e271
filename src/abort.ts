/**
 * A signal that aborts when any of several does, and a way to let go of them. Node 20's
 * `AbortSignal.any` keeps every signal it made for as long as its sources live: a pre-flight's
 * run-long Ctrl-C signal held every check's and every request's signal, and memory grew with each
 * account. Here the listeners go when the work is done.
 */
export function anySignal(signals: readonly AbortSignal[]): { readonly signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const aborted = signals.find((s) => s.aborted);
  if (aborted) {
    controller.abort(aborted.reason);
    return { signal: controller.signal, dispose: () => undefined };
  }
  const onAbort = (event: Event) => {
    dispose();
    controller.abort((event.target as AbortSignal).reason);
  };
  const dispose = () => {
    for (const s of signals) s.removeEventListener('abort', onAbort);
  };
  for (const s of signals) s.addEventListener('abort', onAbort, { once: true });
  return { signal: controller.signal, dispose };
}
