import { AuthError, InteractionRequiredAuthError, ServerError } from '@azure/msal-node';
import { describe, expect, it } from 'vitest';
import { entraFailure, failureFromBody, traceFields } from '../../../src/auth/entra-error.js';
import { TransportError } from '../../../src/auth/network-client.js';
import { chooseMode } from '../../../src/auth/findings.js';
import type { Config } from '../../../src/context.js';
import { PIPE_TERMINAL } from '../../support/fake-context.js';

const TRACE = '0b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const CORRELATION = '5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d';

describe('failureFromBody', () => {
  it("reads Entra's token error, keying on error_codes and keeping the ids support needs", () => {
    const failure = failureFromBody({
      error: 'invalid_grant',
      error_description: `AADSTS50079: Due to a configuration change made by your administrator, or because you moved to a new location, you must enroll in multi-factor authentication to access '00000002-0000-0ff1-ce00-000000000000'.\r\nTrace ID: ${TRACE}\r\nCorrelation ID: ${CORRELATION}\r\nTimestamp: 2026-11-25 20:01:02Z`,
      error_codes: [50079],
      timestamp: '2026-11-25 20:01:02Z',
      trace_id: TRACE,
      correlation_id: CORRELATION,
      suberror: 'basic_action',
    });
    expect(failure).toEqual({
      kind: 'aadsts',
      code: 50079,
      error: 'invalid_grant',
      subError: 'basic_action',
      description:
        "AADSTS50079: Due to a configuration change made by your administrator, or because you moved to a new location, you must enroll in multi-factor authentication to access '00000002-0000-0ff1-ce00-000000000000'.",
      traceId: TRACE,
      correlationId: CORRELATION,
      timestamp: '2026-11-25 20:01:02Z',
    });
  });

  it('falls back to the description when error_codes is missing, whatever separates the trace lines', () => {
    const failure = failureFromBody({ error: 'invalid_client', error_description: `AADSTS7000215: Invalid client secret provided. Trace ID: ${TRACE} Correlation ID: ${CORRELATION} Timestamp: 2026-11-25 20:01:02Z` });
    expect(failure).toMatchObject({ kind: 'aadsts', code: 7000215, traceId: TRACE, correlationId: CORRELATION, description: 'AADSTS7000215: Invalid client secret provided.' });
  });

  it('is undefined for a body that is not an OAuth error', () => {
    expect(failureFromBody({ access_token: 'x' })).toBeUndefined();
    expect(failureFromBody('<html>')).toBeUndefined();
    expect(failureFromBody(null)).toBeUndefined();
  });
});

describe('entraFailure', () => {
  it("prefers the network client's last Entra answer: MSAL keeps only the OAuth error of a device-code failure", () => {
    const err = new AuthError('post_request_failed', 'cid', 'authorization_declined');
    const last = { url: 'https://login.microsoftonline.com/x/oauth2/v2.0/token', status: 400, headers: {}, body: { error: 'authorization_declined', error_codes: [70000], error_description: 'AADSTS70000: The user declined.' } };
    expect(entraFailure(err, last)).toMatchObject({ kind: 'aadsts', code: 70000, error: 'authorization_declined' });
  });

  it("reads MSAL's ServerError: errorNo (a number in MSAL 7) and the trace ids from its message", () => {
    const err = new ServerError('invalid_grant', '', `Error(s): 53003 - Timestamp: 2026-11-25 20:01:02Z - Description: AADSTS53003: Access has been blocked by Conditional Access policies. Trace ID: ${TRACE} Correlation ID: ${CORRELATION} Timestamp: 2026-11-25 20:01:02Z - Correlation ID: ${CORRELATION} - Trace ID: ${TRACE}`, undefined, 53003 as unknown as string, 400);
    expect(entraFailure(err)).toMatchObject({ kind: 'aadsts', code: 53003, error: 'invalid_grant', traceId: TRACE, correlationId: CORRELATION, description: 'AADSTS53003: Access has been blocked by Conditional Access policies.' });
  });

  it('reads an InteractionRequiredAuthError with its code only in the message', () => {
    const err = new InteractionRequiredAuthError('interaction_required', '', `AADSTS50076: Due to a configuration change made by your administrator, you must use multi-factor authentication. Trace ID: ${TRACE}`);
    expect(entraFailure(err)).toMatchObject({ kind: 'aadsts', code: 50076, traceId: TRACE });
  });

  it('turns a transport failure into one, with the code and URL, and ignores an older Entra answer', () => {
    const err = new TransportError('https://login.microsoftonline.com/common/discovery', 'ECONNRESET', 'socket hang up');
    expect(entraFailure(err)).toEqual({ kind: 'transport', error: 'ECONNRESET', transport: { code: 'ECONNRESET', message: 'ECONNRESET: socket hang up (https://login.microsoftonline.com/common/discovery)', url: 'https://login.microsoftonline.com/common/discovery' } });
  });

  it("names MSAL's own end states: expired device code, cancelled, timed out", () => {
    expect(entraFailure(new AuthError('device_code_expired', ''))).toMatchObject({ kind: 'expired' });
    expect(entraFailure(new AuthError('device_code_polling_cancelled', ''))).toMatchObject({ kind: 'cancelled' });
    expect(entraFailure(new Error('cancelled'), undefined, { cancelled: true })).toEqual({ kind: 'cancelled' });
  });

  it('says "other" and keeps the message when there is no code at all', () => {
    expect(entraFailure(new Error('something odd'))).toMatchObject({ kind: 'other', description: 'something odd' });
  });
});

describe('traceFields', () => {
  it('finds nothing in text without ids', () => {
    expect(traceFields('no ids here')).toEqual({});
  });
});

describe('chooseMode never waits for a person who is not there', () => {
  const config = (more: Partial<Config> = {}): Config => ({ environment: 'O365Default', timeoutMs: 1000, verbose: false, showSensitive: false, upn: 'meganb@contoso.com', ...more });
  const atTerminal = { ...PIPE_TERMINAL, stdinIsTTY: true, stderrIsTTY: true };

  it('refuses an explicit device-code or browser sign-in without a terminal, or under CI', () => {
    expect(chooseMode(config({ signIn: 'device-code' }), PIPE_TERMINAL)).toMatchObject({ none: expect.stringContaining('never waits for a person') });
    expect(chooseMode(config({ signIn: 'browser' }), { ...atTerminal, ci: true })).toMatchObject({ none: expect.stringContaining('(CI is set)') });
  });

  it('signs in when someone is at the terminal, or when the demo simulates the person', () => {
    expect(chooseMode(config({ signIn: 'device-code' }), atTerminal)).toEqual({ mode: 'device-code' });
    expect(chooseMode(config(), atTerminal)).toEqual({ mode: 'device-code' });
    expect(chooseMode(config({ signIn: 'device-code', signInCompletedBy: 'simulation' }), PIPE_TERMINAL)).toEqual({ mode: 'device-code' });
  });
});
