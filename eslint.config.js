// Lint: typescript-eslint's recommended rules, plus the house rules that keep I/O in src/context.ts.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Modules that do I/O by themselves: checks must reach the world through the context instead. */
const IO_MODULES = [
  'child_process', 'fs', 'fs/promises', 'net', 'tls', 'dns', 'dns/promises', 'http', 'https', 'http2', 'dgram', 'os',
  'readline', 'worker_threads', 'cluster', 'inspector',
].flatMap((name) => [name, `node:${name}`]);
const IO_PACKAGES = ['undici', '@azure/msal-node', 'proxy-agent', 'pac-resolver', 'cli-table3', 'commander'];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', AbortController: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-empty': ['error', { allowEmptyCatch: false }],
    },
  },
  {
    // Only src/context.ts reads the environment and the platform.
    files: ['src/**/*.ts', 'checks/**/*.ts'],
    ignores: ['src/context.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read environment variables through the context (ctx.env).' },
        { object: 'process', property: 'platform', message: 'Read the platform through the context (ctx.platform).' },
      ],
    },
  },
  {
    files: ['checks/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...IO_MODULES, ...IO_PACKAGES].map((name) => ({
            name,
            message: 'Checks do no I/O of their own: use the context (exec, readFile, resolve, dispatcher, now).',
          })),
        },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Use ctx.now(): the clock comes from the context.' },
        { selector: "MemberExpression[object.name='Date'][property.name='now']", message: 'Use ctx.now(): the clock comes from the context.' },
        { selector: "MemberExpression[object.name='console']", message: 'Checks never print: return evidence instead.' },
      ],
    },
  },
);
