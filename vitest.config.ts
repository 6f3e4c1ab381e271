import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The suite waits on sockets, child processes and timers far more than it computes: more workers
    // than cores keep the CPU busy (Vitest's default here would be one worker on two cores).
    maxWorkers: 4,
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // CLI tests spawn the built bin; `npm test` builds it first.
    globalSetup: ['test/support/global-setup.ts'],
    // Nothing in a test may leave the machine: public names and addresses are refused.
    setupFiles: ['test/support/loopback-guard.mjs'],
  },
});
