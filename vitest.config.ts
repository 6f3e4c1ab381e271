import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // CLI tests spawn the built bin; `npm test` builds it first.
    globalSetup: ['test/support/global-setup.ts'],
    // Nothing in a test may leave the machine: public names and addresses are refused.
    setupFiles: ['test/support/loopback-guard.mjs'],
  },
});
