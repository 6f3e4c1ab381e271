// The house rule "checks do no I/O of their own" is enforced by ESLint; this proves the rule bites.
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
