/** Microsoft Graph's error answer, as a typed error. Shape: https://learn.microsoft.com/graph/errors. */

/** Graph's code when the tenant lacks the Entra ID P1/P2 licence a report needs. */
const NON_PREMIUM = 'Authentication_RequestFromNonPremiumTenantOrB2CTenant';

/** An answer from Graph that is not a success. */
export class GraphError extends Error {
  override readonly name = 'GraphError';
  constructor(
    readonly status: number,
    /** Graph's `error.code`, e.g. `Authorization_RequestDenied`; `HTTP <status>` when the body had none. */
    readonly code: string,
    message: string,
    /** The path asked for (no host). */
    readonly path: string,
    /** `request-id`, for Microsoft support. */
    readonly requestId?: string,
    /** `innerError.date`. */
    readonly date?: string,
    /** `Retry-After`, in seconds, on 429 and 503. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }

  /** Refused for want of a permission, a role or a licence. */
  get denied(): boolean {
    return this.status === 403;
  }

  /** Refused because the tenant has no Entra ID P1. */
  get unlicensed(): boolean {
    return this.code === NON_PREMIUM;
  }

  /** `403 Authorization_RequestDenied: Insufficient privileges… (request-id …)`. */
  describe(): string {
    return `${this.status} ${this.code}: ${this.message}${this.requestId ? ` (request-id ${this.requestId})` : ''}`;
  }
}
