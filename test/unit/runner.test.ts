import { describe, expect, it } from 'vitest';
import { registry } from '../../checks/index.js';
import { type AnyCheck, defineCheck } from '../../src/check.js';
import { couldNotCheck, error, fail, fix, notApplicable, notChecked, pass, warn } from '../../src/result.js';
import { type CheckReport, planChecks, RegistryError, type RunEvent, runChecks, SelectionError, validateRegistry } from '../../src/runner.js';
import { baseStubs, fakeContext } from '../support/fake-context.js';

const remedy = fix({ summary: 'Do the thing.', runBy: 'admin', commands: ['Do-Thing'] });

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const ctx = () => fakeContext(baseStubs());

describe('runChecks', () => {
  it('reports in registry order although later checks finish first', async () => {
    const slow = defineCheck({ id: 'slow', title: 'Slow', dependsOn: [], run: async () => (await sleep(30), pass('slow done')) });
    const fast = defineCheck({ id: 'fast', title: 'Fast', dependsOn: [], run: async () => pass('fast done') });
    const finished: string[] = [];
    const run = await runChecks([slow, fast], ctx(), {
      timeoutMs: 1000,
      onEvent: (e) => e.type === 'finish' && finished.push(e.check.id),
    });
    expect(finished).toEqual(['fast', 'slow']);
    expect(run.checks.map((c) => c.id)).toEqual(['slow', 'fast']);
  });

  it('starts independent checks at once', async () => {
    const gate = deferred();
    const started: string[] = [];
    const a = defineCheck({ id: 'a', title: 'A', dependsOn: [], run: async () => (started.push('a'), await gate.promise, pass('a')) });
    const b = defineCheck({
      id: 'b',
      title: 'B',
      dependsOn: [],
      run: async () => {
        started.push('b');
        // b can only see a started if a is running at the same time.
        expect(started).toContain('a');
        gate.resolve();
        return pass('b');
      },
    });
    const run = await runChecks([a, b], ctx(), { timeoutMs: 1000 });
    expect(run.checks.map((c) => c.status)).toEqual(['pass', 'pass']);
  });

  it('starts a dependent only after its dependency settled, and hands it the output', async () => {
    const events: string[] = [];
    const tenant = defineCheck({
      id: 'tenant',
      title: 'Tenant',
      dependsOn: [],
      run: async () => {
        await sleep(20);
        events.push('tenant finished');
        return pass('found', { output: { tenantId: 'abc' } });
      },
    });
    const token = defineCheck({
      id: 'token',
      title: 'Token',
      dependsOn: [tenant],
      run: async (_ctx, deps) => {
        events.push(`token started with ${deps.tenant.tenantId}`);
        return pass('got');
      },
    });
    await runChecks([tenant, token], ctx(), { timeoutMs: 1000 });
    expect(events).toEqual(['tenant finished', 'token started with abc']);
  });

  it('runs the dependents of a warning: a warning is a pass with advice', async () => {
    const clock = defineCheck({ id: 'clock', title: 'Clock', dependsOn: [], run: async () => warn('3 min off', { remediation: remedy, output: 180 }) });
    const token = defineCheck({ id: 'token', title: 'Token', dependsOn: [clock], run: async (_c, deps) => pass(`skew ${deps.clock}`) });
    const run = await runChecks([clock, token], ctx(), { timeoutMs: 1000 });
    expect(run.checks[1]).toMatchObject({ status: 'pass', summary: 'skew 180' });
  });

  it('skips the whole chain behind a failure, naming the root, and never fails a dependent', async () => {
    let ranDependent = false;
    const token = defineCheck({ id: 'token', title: 'Exchange token', dependsOn: [], run: async () => fail('AADSTS50076', { remediation: remedy }) });
    const claims = defineCheck({ id: 'claims', title: 'Claims', dependsOn: [token], run: async () => ((ranDependent = true), pass('x')) });
    const connection = defineCheck({ id: 'connection', title: 'Connection', dependsOn: [claims], run: async () => pass('x') });
    const run = await runChecks([token, claims, connection], ctx(), { timeoutMs: 1000 });
    expect(ranDependent).toBe(false);
    expect(run.checks.map((c) => [c.id, c.status, c.blockedBy])).toEqual([
      ['token', 'fail', undefined],
      ['claims', 'skip', 'token'],
      ['connection', 'skip', 'token'],
    ]);
    expect(run.checks[2]?.summary).toBe('Not run: “Exchange token” failed.');
  });

  it('runs a check after the checks it uses, with their output when they passed and undefined when not', async () => {
    const graph = defineCheck({ id: 'graph', title: 'Graph', dependsOn: [], run: async () => (await sleep(20), pass('token', { output: { token: 't' } })) });
    const broken = defineCheck({ id: 'broken', title: 'Broken', dependsOn: [], run: async () => fail('no', { remediation: remedy }) });
    const seen: unknown[] = [];
    const roles = defineCheck({
      id: 'roles',
      title: 'Roles',
      dependsOn: [],
      uses: [graph, broken],
      run: async (_ctx, deps) => {
        seen.push(deps.graph?.token, deps.broken);
        return pass('roles');
      },
    });
    const run = await runChecks([graph, broken, roles], ctx(), { timeoutMs: 1000 });
    expect(run.checks.map((c) => c.status)).toEqual(['pass', 'fail', 'pass']);
    expect(seen).toEqual(['t', undefined]);
    // --only does not pull in what a check merely uses.
    expect(planChecks([graph, broken, roles], ['roles']).map((c) => c.id)).toEqual(['roles']);
  });

  it('takes known results as given: not run again, not reported, and handed to the checks that need them', async () => {
    let ran = 0;
    const token = defineCheck({ id: 'token', title: 'Token', dependsOn: [], run: async () => (ran++, pass('signed in', { output: { token: 'fresh' } })) });
    const roles = defineCheck({ id: 'roles', title: 'Roles', dependsOn: [token], run: async (_ctx, deps) => pass(`roles with ${deps.token.token}`) });
    const known = { id: 'token', title: 'Token', status: 'pass', summary: 'signed in once', evidence: [], output: { token: 'given' }, durationMs: 1, startMs: 0 } as unknown as CheckReport;
    const run = await runChecks([token, roles], ctx(), { timeoutMs: 1000, given: new Map([['token', known]]) });
    expect(ran).toBe(0);
    expect(run.checks.map((c) => [c.id, c.summary])).toEqual([['roles', 'roles with given']]);
  });

  it('skips dependents of a check that was itself skipped, and they inherit why', async () => {
    const again = fix({ summary: 'Give --upn.', runBy: 'admin', commands: ['exo-doctor --upn a@b.com'] });
    const inputs = defineCheck({ id: 'inputs', title: 'Inputs', dependsOn: [], run: async () => notChecked('No account given.', { remediation: again }) });
    const tenant = defineCheck({ id: 'tenant', title: 'Tenant', dependsOn: [inputs], run: async () => pass('x') });
    const windows = defineCheck({ id: 'windows', title: 'Windows', dependsOn: [], run: async () => notApplicable('Not Windows.') });
    const policy = defineCheck({ id: 'policy', title: 'Policy', dependsOn: [windows], run: async () => pass('x') });
    const run = await runChecks([inputs, tenant, windows, policy], ctx(), { timeoutMs: 1000 });
    expect(run.checks.map((c) => [c.id, c.skipKind, c.blockedBy])).toEqual([
      ['inputs', 'not-checked', undefined],
      ['tenant', 'not-checked', 'inputs'],
      ['windows', 'not-applicable', undefined],
      ['policy', 'not-applicable', 'windows'],
    ]);
    expect(run.checks[1]?.summary).toBe('Not run: “Inputs” was not checked.');
    expect(run.checks[3]?.summary).toBe('Not applicable: “Windows” does not apply here.');
  });

  it('reports a check that could not do its job as blocked by a failure that explains it, else as an error', async () => {
    const endpoints = (ok: boolean) =>
      defineCheck({ id: 'endpoints', title: 'Endpoints', dependsOn: [], run: async () => (ok ? pass('all answer') : fail('login host unreachable', { remediation: fix({ summary: 'Open the firewall.', runBy: 'network-team' }) })) });
    const clock = defineCheck({ id: 'clock', title: 'Clock', dependsOn: [], run: async () => couldNotCheck('No Date header came back.', { explainedBy: ['endpoints'] }) });
    const explained = await runChecks([endpoints(false), clock], ctx(), { timeoutMs: 1000 });
    expect(explained.checks[1]).toMatchObject({ status: 'skip', skipKind: 'blocked', blockedBy: 'endpoints', summary: 'No Date header came back.' });
    const unexplained = await runChecks([endpoints(true), clock], ctx(), { timeoutMs: 1000 });
    expect(unexplained.checks[1]).toMatchObject({ status: 'error', summary: 'No Date header came back.' });
    // Without the explaining check in the run, nothing explains it either.
    const alone = await runChecks([endpoints(true), clock], ctx(), { timeoutMs: 1000, only: ['clock'] });
    expect(alone.checks).toMatchObject([{ id: 'clock', status: 'error' }]);
  });

  it('marks a failure that follows from an upstream one as its consequence', async () => {
    const federation = defineCheck({ id: 'federation', title: 'Federation', dependsOn: [], run: async () => fail('AD FS does not answer.', { remediation: fix({ summary: 'Fix AD FS.', runBy: 'network-team' }) }) });
    const token = defineCheck({
      id: 'token',
      title: 'Token',
      dependsOn: [],
      run: async () => fail('The device code expired.', { explainedBy: ['federation'], remediation: fix({ summary: 'Sign in again.', runBy: 'admin' }) }),
    });
    const run = await runChecks([federation, token], ctx(), { timeoutMs: 1000 });
    expect(run.checks[1]).toMatchObject({ status: 'fail', consequenceOf: 'federation' });
  });

  it('turns a cause left unchecked without a way to check it into a bug report', async () => {
    const vague = defineCheck({ id: 'vague', title: 'Vague', dependsOn: [], run: async () => ({ status: 'skip', kind: 'not-checked', summary: 'Hm.', evidence: [] }) as const });
    const run = await runChecks([vague], ctx(), { timeoutMs: 1000 });
    expect(run.checks[0]).toMatchObject({ status: 'error', summary: expect.stringContaining('without saying what would check it') });
  });

  it('turns a timeout into an error that names what the check was waiting on, and aborts its signal', async () => {
    let signal: AbortSignal | undefined;
    const hang = defineCheck({
      id: 'hang',
      title: 'Hang',
      dependsOn: [],
      timeout: 50,
      run: async (c) => {
        signal = c.signal;
        c.step('TLS handshake with outlook.office365.com');
        return new Promise<never>(() => undefined);
      },
    });
    const after = defineCheck({ id: 'after', title: 'After', dependsOn: [], run: async () => pass('fine') });
    const run = await runChecks([hang, after], ctx(), { timeoutMs: 10_000 });
    expect(run.checks[0]).toMatchObject({
      status: 'error',
      summary: 'Stopped after 50 ms: still TLS handshake with outlook.office365.com.',
    });
    expect(run.checks[0]?.remediation[0]?.commands[0]).toContain('--only hang');
    expect(signal?.aborted).toBe(true);
    expect(run.checks[1]?.status).toBe('pass');
  });

  it('derives a time limit from the configured one when the check asks for it', async () => {
    const slow = defineCheck({ id: 'slow', title: 'Slow', dependsOn: [], timeout: (ms) => ms * 20, run: async () => (await sleep(120), pass('ok')) });
    const run = await runChecks([slow], ctx(), { timeoutMs: 50 });
    expect(run.checks[0]?.status).toBe('pass');
  });

  it('turns a crash into an error with the message, keeps the stack for --verbose, and runs the rest', async () => {
    const crash = defineCheck({
      id: 'crash',
      title: 'Crash',
      dependsOn: [],
      run: async () => {
        throw new TypeError("Cannot read properties of undefined (reading 'tid')");
      },
    });
    const syncCrash = {
      id: 'sync-crash',
      title: 'Sync crash',
      dependsOn: [],
      run: () => {
        throw 'a string';
      },
    } as unknown as AnyCheck;
    const fine = defineCheck({ id: 'fine', title: 'Fine', dependsOn: [], run: async () => pass('ok') });
    const run = await runChecks([crash, syncCrash, fine], ctx(), { timeoutMs: 1000 });
    expect(run.checks[0]).toMatchObject({ status: 'error', summary: "The check broke: Cannot read properties of undefined (reading 'tid')" });
    expect(run.checks[0]?.detail).toContain('TypeError');
    expect(run.checks[1]).toMatchObject({ status: 'error', summary: 'The check broke: a string' });
    expect(run.checks[2]?.status).toBe('pass');
  });

  it('refuses a warning or failure that slipped past the types without a fix', async () => {
    const sloppy = { id: 'sloppy', title: 'Sloppy', dependsOn: [], run: async () => ({ status: 'fail', summary: 'bad', evidence: [] }) } as unknown as AnyCheck;
    const run = await runChecks([sloppy], ctx(), { timeoutMs: 1000 });
    expect(run.checks[0]?.status).toBe('error');
    expect(run.checks[0]?.summary).toContain('without saying how to fix it');
  });

  it('keeps what finished when interrupted, and does not wait for checks that ignore the signal', async () => {
    const controller = new AbortController();
    const done = defineCheck({ id: 'done', title: 'Done', dependsOn: [], run: async () => pass('finished early') });
    const stubborn = defineCheck({
      id: 'stubborn',
      title: 'Stubborn',
      dependsOn: [],
      run: async () => {
        setTimeout(() => controller.abort(), 10);
        return new Promise<never>(() => undefined); // ignores its signal
      },
    });
    const later = defineCheck({ id: 'later', title: 'Later', dependsOn: [stubborn], run: async () => pass('x') });
    const run = await runChecks([done, stubborn, later], ctx(), { timeoutMs: 60_000, signal: controller.signal });
    expect(run.interrupted).toBe(true);
    expect(run.checks.map((c) => [c.id, c.status, c.summary])).toEqual([
      ['done', 'pass', 'finished early'],
      ['stubborn', 'skip', 'Interrupted before it finished.'],
      ['later', 'skip', 'Not run: the run was interrupted.'],
    ]);
  });

  it('emits start, step and finish events in that order for each check', async () => {
    const events: string[] = [];
    const check = defineCheck({ id: 'one', title: 'One', dependsOn: [], run: async (c) => (c.step('resolving'), pass('ok')) });
    await runChecks([check], ctx(), { timeoutMs: 1000, onEvent: (e: RunEvent) => events.push(e.type) });
    expect(events).toEqual(['start', 'step', 'finish']);
  });

  it('returns the error results a check gives itself, with their detail', async () => {
    const check = defineCheck({ id: 'self', title: 'Self', dependsOn: [], run: async () => error('reg.exe is missing', { detail: 'ENOENT' }) });
    const run = await runChecks([check], ctx(), { timeoutMs: 1000 });
    expect(run.checks[0]).toMatchObject({ status: 'error', summary: 'reg.exe is missing', detail: 'ENOENT' });
  });
});

describe('validateRegistry', () => {
  const a = defineCheck({ id: 'a', title: 'A', dependsOn: [], run: async () => pass('a') });

  it('accepts the shipped registry', () => {
    expect(() => validateRegistry(registry)).not.toThrow();
  });

  it('rejects a cycle and names it', () => {
    const x = { id: 'x', title: 'X', dependsOn: [] as AnyCheck[], run: async () => pass('x') };
    const y = { id: 'y', title: 'Y', dependsOn: [x] as AnyCheck[], run: async () => pass('y') };
    x.dependsOn.push(y);
    expect(() => validateRegistry([x, y])).toThrow(new RegistryError('Checks depend on each other in a cycle: x → y → x.'));
  });

  it('rejects a dependency on a check registered later', () => {
    const b = defineCheck({ id: 'b', title: 'B', dependsOn: [a], run: async () => pass('b') });
    expect(() => validateRegistry([b, a])).toThrow('Check "b" depends on "a", which is registered after it.');
  });

  it('rejects a dependency that is not registered, a duplicate id and a malformed id', () => {
    const b = defineCheck({ id: 'b', title: 'B', dependsOn: [a], run: async () => pass('b') });
    expect(() => validateRegistry([b])).toThrow('Check "b" depends on "a", which is not in the registry.');
    expect(() => validateRegistry([a, a])).toThrow('Check id "a" is registered twice.');
    const bad = defineCheck({ id: 'Bad_Id', title: 'Bad', dependsOn: [], run: async () => pass('x') });
    expect(() => validateRegistry([bad])).toThrow('is not kebab-case');
  });

  it('is enforced by runChecks at start-up', async () => {
    const b = defineCheck({ id: 'b', title: 'B', dependsOn: [a], run: async () => pass('b') });
    await expect(runChecks([b, a], ctx(), { timeoutMs: 1000 })).rejects.toBeInstanceOf(RegistryError);
  });
});

describe('planChecks', () => {
  const a = defineCheck({ id: 'a', title: 'A', dependsOn: [], run: async () => pass('a') });
  const b = defineCheck({ id: 'b', title: 'B', dependsOn: [a], run: async () => pass('b') });
  const c = defineCheck({ id: 'c', title: 'C', dependsOn: [], run: async () => pass('c') });

  it('pulls in what --only checks need, in registry order', () => {
    expect(planChecks([a, b, c], ['b']).map((x) => x.id)).toEqual(['a', 'b']);
  });

  it('rejects unknown ids and lists the real ones', () => {
    expect(() => planChecks([a, b, c], ['nope'])).toThrow(new SelectionError('Unknown check "nope"; the checks are: a, b, c.'));
  });

  it('leaves --skip checks out and blocks their dependents', async () => {
    const run = await runChecks([a, b, c], ctx(), { timeoutMs: 1000, skip: ['a'] });
    expect(run.checks.map((x) => [x.id, x.status, x.blockedBy])).toEqual([
      ['a', 'skip', undefined],
      ['b', 'skip', 'a'],
      ['c', 'pass', undefined],
    ]);
    expect(run.checks[0]?.summary).toBe('Left out with --skip.');
    expect(run.checks.map((x) => x.skipKind)).toEqual(['left-out', 'left-out', undefined]);
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
