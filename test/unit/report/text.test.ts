import { describe, expect, it } from 'vitest';
import { Redactor } from '../../../src/redact.js';
import { buildDocument } from '../../../src/report/document.js';
import { colorEnabled, createStyle } from '../../../src/report/style.js';
import { renderText } from '../../../src/report/text.js';
import { SAMPLE_UPN, sampleRun } from '../../support/sample-run.js';

const meta = {
  version: '0.1.0',
  os: 'linux',
  osRelease: '6.1.0',
  arch: 'x64',
  node: 'v20.20.2',
  exchangeEnvironment: 'O365Default',
  upn: SAMPLE_UPN,
  failOn: 'fail' as const,
  verbose: false,
};
const render = (options: { color?: boolean; verbose?: boolean; show?: boolean } = {}) =>
  renderText(buildDocument(sampleRun(), { ...meta, verbose: options.verbose === true }, new Redactor(options.show === true)), {
    style: createStyle(options.color === true),
    width: 100,
    verbose: options.verbose === true,
  });

describe('renderText', () => {
  it('matches the reference layout with colour off', () => {
    expect(render()).toMatchSnapshot();
  });

  it('lists findings worst first, failures then warnings, and what could not run apart as causes not ruled out', () => {
    const text = render();
    const findings = text.slice(text.indexOf('Findings, worst first'), text.indexOf('Not checked'));
    const order = ['exo-user-access', 'clock-skew'].map((id) => findings.indexOf(`${id}:`));
    expect(findings).not.toContain('proxy-health:');
    expect(text.slice(text.indexOf('Not checked'))).toContain('! error proxy-health: Proxy answers');
    expect(order.every((pos) => pos > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('gives each finding its evidence, the exact command and who runs it', () => {
    const text = render({ show: true });
    expect(text).toContain(`    Account  ${SAMPLE_UPN}`);
    expect(text).toContain('Fix (run by another admin of the tenant): Another admin turns PowerShell access back on');
    expect(text).toContain(`    Set-User -Identity ${SAMPLE_UPN} -EXOModuleEnabled $true`);
    expect(text).toContain('Fix (run by you): Synchronise the clock.');
  });

  it('ends with one line that sums up the run', () => {
    const lines = render().trimEnd().split('\n');
    expect(lines.at(-4)).toBe('2 problems found: 1 failed, 1 warning; 1 check could not run (5 checks in 1.2 s).');
    // The command that would complete the run follows on a line of its own, never wrapped.
    expect(lines.at(-3)).toBe('To complete it: exo-doctor --only proxy-health --timeout 30000');
  });

  it('never prints a secret, and masks identifiers unless asked', () => {
    const text = render();
    expect(text).not.toContain('hunter2secret');
    expect(text).not.toContain('eyJ0eXAi');
    expect(text).not.toContain(SAMPLE_UPN);
    expect(text).toContain('Account, tenant and machine names are masked, and commands name them by role (<admin UPN>);');
  });

  it('shows error details only with --verbose', () => {
    expect(render()).not.toContain('at probe');
    expect(render({ verbose: true })).toContain('at probe (proxy.ts:1:1)');
  });

  it('has no escape codes with colour off, and colours statuses with colour on', () => {
    expect(render()).not.toContain('\u001b[');
    const coloured = render({ color: true });
    expect(coloured).toContain('\u001b[31m✖ fail\u001b[39m');
    expect(coloured).toContain('\u001b[33m⚠ warn\u001b[39m');
  });
});

describe('colorEnabled', () => {
  it.each([
    [{}, true, true],
    [{}, false, false],
    [{ NO_COLOR: '1' }, true, false],
    [{ NO_COLOR: '' }, true, true],
    [{ FORCE_COLOR: '1' }, false, true],
    [{ FORCE_COLOR: '0' }, true, false],
    [{ FORCE_COLOR: '1', NO_COLOR: '1' }, false, true],
    [{ TERM: 'dumb' }, true, false],
  ])('env %j on a TTY=%s gives %s', (env, tty, expected) => {
    expect(colorEnabled(env, tty)).toBe(expected);
  });
});
