// The house rule "checks do no I/O of their own" is enforced by ESLint; this proves the rule bites.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: new URL('../..', import.meta.url).pathname });

async function lint(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('lint rules for checks/', () => {
  it.each([
    "import { execFile } from 'node:child_process';",
    "import { readFile } from 'fs/promises';",
    "import { request } from 'undici';",
    "import { PublicClientApplication } from '@azure/msal-node';",
  ])('forbids %s in a check', async (code) => {
    const messages = await lint(`${code}\nexport const x = 1;\n`, 'checks/example.ts');
    expect(messages.join('\n')).toContain('no-restricted-imports');
  });

  it('forbids process.env, the wall clock and printing in a check', async () => {
    const messages = await lint(
      'export const a = process.env.HTTPS_PROXY;\nexport const b = new Date();\nexport const c = Date.now();\nconsole.log(a);\n',
      'checks/example.ts',
    );
    expect(messages.filter((m) => m.startsWith('no-restricted-'))).toHaveLength(4);
  });

  it('allows the same imports in src/context.ts', async () => {
    const messages = await lint("import { execFile } from 'node:child_process';\nexport const e = execFile;\n", 'src/context.ts');
    expect(messages).toEqual([]);
  });
});

describe('the import-cycle rule of npm run lint', () => {
  const script = fileURLToPath(new URL('../../scripts/import-cycles.mjs', import.meta.url));
  const tree = (files: Record<string, string>) => {
    const dir = mkdtempSync(join(tmpdir(), 'exo-doctor-cycles-'));
    mkdirSync(join(dir, 'src'));
    mkdirSync(join(dir, 'checks'));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return dir;
  };

  it('passes this project', () => {
    expect(spawnSync(process.execPath, [script], { encoding: 'utf8' }).status).toBe(0);
  });

  it('fails a tree where two modules import each other, type-only or lazily, and names the cycle', () => {
    const dir = tree({ 'src/a.ts': "import type { B } from './b.js';\nexport type A = B;\n", 'src/b.ts': "export type B = 1;\nexport const load = () => import('./a.js');\n" });
    const result = spawnSync(process.execPath, [script, dir], { encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('src/a.ts → src/b.ts → src/a.ts');
  });
});
