/**
 * How the Graph checks turn Graph's answers into results: a check's reads run with a client on the
 * doctor's route, and an answer Graph could not give becomes the check's result. The client itself
 * (./client.ts) stays a client.
 */
import type { CheckContext } from '../check.js';
import type { GraphSession } from '../auth/identity.js';
import { HttpFailure } from '../net/http.js';
import type { ProxyPlan } from '../net/routes.js';
import { serviceRoute } from '../net/service-route.js';
import { type CheckResult, couldNotCheck, error, type Evidence } from '../result.js';
import { GraphClient } from './client.js';
import { GraphError } from './error.js';

/**
 * Runs a Graph check's reads with a client on the doctor's route to the session's Graph host, closed
 * afterwards. No answer at all is a check that could not run, explained by the network checks when they
 * failed; an error status from Graph is an error with what Graph said; anything else is a bug, thrown on.
 */
export async function withGraph<O>(
  ctx: CheckContext,
  plan: ProxyPlan,
  session: GraphSession,
  who: readonly Evidence[],
  read: (graph: GraphClient) => Promise<CheckResult<O>>,
): Promise<CheckResult<O>> {
  const graph = new GraphClient(ctx, session, await serviceRoute(ctx, plan, session.graphHost), { timeoutMs: ctx.config.timeoutMs, signal: ctx.signal });
  try {
    return await read(graph);
  } catch (err) {
    if (err instanceof HttpFailure) {
      return couldNotCheck(`Microsoft Graph (${session.graphHost}) did not answer: ${err.code} ${err.message}.`, {
        evidence: who,
        explainedBy: ['proxy-health', 'endpoints', 'tls-inspection'],
      });
    }
    if (err instanceof GraphError) return error(`Microsoft Graph answered ${err.describe()} for ${err.path.split('?')[0]}, so the check could not finish.`, { evidence: who });
    throw err;
  } finally {
    await graph.close();
  }
}
