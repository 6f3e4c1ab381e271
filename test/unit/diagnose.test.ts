import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { defineCheck } from '../../src/check.js';
import { diagnose } from '../../src/diagnose.js';
import { normalizeOptions } from '../../src/options.js';
import { fail, fix, pass } from '../../src/result.js';
import { baseStubs, fakeContext, LINUX_RUNTIME, PIPE_TERMINAL } from '../support/fake-context.js';

function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => text };
}

const ctx = () => fakeContext(baseStubs({ env: {}, platform: 'linux', runtime: LINUX_RUNTIME, terminal: PIPE_TERMINAL }));
const options = (extra: Partial<Parameters<typeof normalizeOptions>[0]> = {}) =>
  normalizeOptions({ environment: 'O365Default', timeout: 5000, failOn: 'fail', ...extra });

const quick = defineCheck({ id: 'quick', title: 'Quick', dependsOn: [], run: async () => pass('done quickly') });
const hang = defineCheck({ id: 'hang', title: 'Hang', dependsOn: [], run: () => new Promise<never>(() => undefined) });
const broken = defineCheck({
  id: 'broken',
  title: 'Broken',
  dependsOn: [],
  run: async () => fail('It is broken.', { remediation: fix({ summary: 'Mend it.', runBy: 'admin', commands: ['Mend-It'] }) }),
});

describe('diagnose', () => {
  it('prints what finished and exits 130 when interrupted', async () => {
    const stdout = capture();
    const stderr = capture();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const code = await diagnose({
      registry: [quick, hang],
      ctx: ctx(),
      options: options(),
      output: { stdout: stdout.stream, stderr: stderr.stream },
      signal: controller.signal,
    });
    expect(code).toBe(130);
    expect(stdout.text()).toMatch(/✔ pass +quick +done quickly/);
    expect(stdout.text()).toMatch(/○ skip +hang +Interrupted before it finished\./);
    expect(stdout.text()).toMatch(/Interrupted after \d+ ms: the report shows what finished\./);
  });

  it('writes only the JSON document to stdout, and the exit code follows the failure', async () => {
    const stdout = capture();
    const stderr = capture();
    const code = await diagnose({
      registry: [quick, broken],
      ctx: ctx(),
      options: options({ json: true }),
      output: { stdout: stdout.stream, stderr: stderr.stream },
      signal: new AbortController().signal,
    });
    expect(code).toBe(1);
    expect(JSON.parse(stdout.text()).checks.map((c: { status: string }) => c.status)).toEqual(['pass', 'fail']);
    expect(stderr.text()).toBe('');
  });

  it('refuses an unknown check id with exit 2 and one line on stderr', async () => {
    const stdout = capture();
    const stderr = capture();
    const code = await diagnose({
      registry: [quick],
      ctx: ctx(),
      options: options({ only: ['nope'] }),
      output: { stdout: stdout.stream, stderr: stderr.stream },
      signal: new AbortController().signal,
    });
    expect(code).toBe(2);
    expect(stdout.text()).toBe('');
    expect(stderr.text()).toBe('exo-doctor: Unknown check "nope"; the checks are: quick.\n');
  });
});
