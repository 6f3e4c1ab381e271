/**
 * End-of-life dates of Node.js release lines.
 * Source: https://github.com/nodejs/Release (schedule.json), read 2026-11.
 */
export const NODE_END_OF_LIFE: Readonly<Record<number, string>> = {
  18: '2025-04-30',
  19: '2023-06-01',
  20: '2026-04-30',
  21: '2024-06-01',
  22: '2027-04-30',
  23: '2025-06-01',
  24: '2028-04-30',
  25: '2026-06-01',
  26: '2029-04-30',
};

/** The oldest Node.js the doctor supports (package.json `engines`): undici 7 and vitest 4 need it. */
export const MINIMUM_NODE = '20.19.0';

/** The release lines to recommend when the current one is too old or past its end of life. */
export const RECOMMENDED_NODE_LINES = 'Node.js 22 or 24 (LTS)';

/** `v20.20.2` → `[20, 20, 2]`; `undefined` for anything else. */
export function parseVersion(text: string): [number, number, number] | undefined {
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(text.trim());
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

/** Negative, zero or positive as `a` is older than, equal to or newer than `b`. */
export function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}
