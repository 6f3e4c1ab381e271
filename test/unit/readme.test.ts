// The README must stay true: its check table and exit codes follow the code.
import { readdirSync, readFileSync } from 'node:fs';
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

describe('project files', () => {
  it("cite only what a clone of the repository holds: the research notes outside it are moved into docs/", () => {
    const outside = ['shared', 'docs'].join('/');
    const seed = ['shared', 'seed'].join('/');
    const root = new URL('../../', import.meta.url);
    const files = ['src', 'checks', 'test', 'docs', 'bench', 'scripts', 'fixtures']
      .flatMap((dir) => readdirSync(new URL(dir, root), { recursive: true, encoding: 'utf8' }).map((f) => `${dir}/${f}`))
      .filter((f) => /\.(ts|mjs|js|md|json)$/.test(f));
    const citing = [...files, 'README.md'].filter((f) => {
      const text = readFileSync(new URL(f, root), 'utf8');
      return text.includes(outside) || text.includes(seed);
    });
    expect(citing).toEqual([]);
  });
});
