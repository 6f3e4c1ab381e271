// The CLI tests run the built bin: refuse to run them against a missing build.
import { existsSync } from 'node:fs';

export default function setup(): void {
  if (!existsSync(new URL('../../dist/cli.js', import.meta.url))) {
    throw new Error('dist/cli.js is missing: run `npm test` (it builds first) or `npm run build`.');
  }
}
