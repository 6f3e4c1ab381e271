// The README must stay true: its check table and exit codes follow the code.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { registry } from '../../checks/index.js';
import type { AnyCheck } from '../../src/check.js';
import { EXIT } from '../../src/exit.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The first Markdown table after a heading, without its header rows. */
function tableAfter(heading: string): string[][] {
  const lines = readme.slice(readme.indexOf(heading)).split('\n');
  const first = lines.findIndex((line) => line.startsWith('|'));
  const end = lines.findIndex((line, i) => i > first && !line.startsWith('|'));
  return lines.slice(first + 2, end).map((row) => row.split('|').slice(1, -1).map((cell) => cell.trim()));
}

describe('README', () => {
  it('lists every check, in registry order, with its title and prerequisites', () => {
    const expected = registry.map((check) => [
      `\`${check.id}\``,
      check.title,
      check.dependsOn.map((d: AnyCheck) => `\`${d.id}\``).join(', '),
    ]);
    expect(tableAfter('## The checks')).toEqual(expected);
  });

  it('documents every exit code the doctor uses', () => {
    const codes = tableAfter('## Exit codes').map(([code]) => Number(code));
    expect(codes).toEqual(Object.values(EXIT).sort((a, b) => a - b));
  });
});
