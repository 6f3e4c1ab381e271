import { describe, expect, it } from 'vitest';
import { runtime } from '../../../checks/runtime.js';
import type { RuntimeInfo } from '../../../src/context.js';
import { fakeContext, LINUX_RUNTIME } from '../../support/fake-context.js';
import { runCheck } from '../../support/run-check.js';

const at = (iso: string) => () => new Date(iso);
const ctxWith = (runtimeInfo: Partial<RuntimeInfo>, now = at('2026-11-25T12:00:00Z')) =>
  fakeContext({ runtime: { ...LINUX_RUNTIME, ...runtimeInfo }, now });

describe('runtime', () => {
  it('passes on a supported Node.js and names the doctor, Node.js and the OS', async () => {
    const result = await runCheck(runtime, ctxWith({ node: 'v22.21.0', osType: 'Windows_NT', osRelease: '10.0.26100' }));
    expect(result.status).toBe('pass');
    expect(result.summary).toBe('exo-doctor 0.1.0 on Node.js v22.21.0, Windows x64');
    expect(result.evidence).toContainEqual({ label: 'Operating system', value: 'Windows 10.0.26100 (x64)' });
  });

  it('states that Node.js 20 is past its end of life without calling it a problem', async () => {
    const result = await runCheck(runtime, ctxWith({ node: 'v20.20.2' }));
    expect(result.status).toBe('pass');
    expect(result.evidence).toContainEqual({
      label: 'Node.js support',
      value: 'Node.js 20 reached end of life on 2026-04-30; Node.js 22 or 24 (LTS) is maintained',
    });
  });

  it('does not mention end of life before the date', async () => {
    const result = await runCheck(runtime, ctxWith({ node: 'v20.20.2' }, at('2026-01-10T00:00:00Z')));
    expect(result.evidence.map((e) => e.label)).not.toContain('Node.js support');
  });

  it('warns below the supported Node.js, with where to get a newer one', async () => {
    const result = await runCheck(runtime, ctxWith({ node: 'v20.18.0', osType: 'Darwin', osRelease: '24.1.0', arch: 'arm64' }));
    expect(result.status).toBe('warn');
    expect(result.summary).toContain('older than the Node.js 20.19.0 the doctor supports');
    if (result.status !== 'warn') return;
    expect(result.remediation[0]).toMatchObject({ runBy: 'admin', links: ['https://nodejs.org/en/download'] });
  });
});
