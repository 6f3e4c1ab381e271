/** Runs one check's `run` directly, with a fake context and a live signal, for unit tests. */
import type { AnyCheck, CheckContext, OutputOf } from '../../src/check.js';
import type { Context } from '../../src/context.js';
import type { CheckResult } from '../../src/result.js';

export async function runCheck<C extends AnyCheck>(
  check: C,
  ctx: Context,
  deps: Parameters<C['run']>[1] = {},
  hooks: { notify?: (message: string) => void; signal?: AbortSignal } = {},
): Promise<CheckResult<OutputOf<C>>> {
  const checkCtx: CheckContext = Object.create(ctx, {
    signal: { value: hooks.signal ?? new AbortController().signal },
    step: { value: () => undefined },
    notify: { value: hooks.notify ?? (() => undefined) },
  });
  return check.run(checkCtx, deps);
}
