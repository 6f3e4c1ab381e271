// Reads the recorded command outputs in fixtures/platform (see its README for where each comes from).
import { readFileSync } from 'node:fs';

const root = new URL('../../../fixtures/platform/', import.meta.url);

/** A fixture as text, byte for byte (CRLF kept). */
export function fixture(path: string): string {
  return readFileSync(new URL(path, root), 'utf8');
}

/** A `.hex` blob fixture as bytes (white space between the hex digits is ignored). */
export function hexFixture(path: string): Buffer {
  return Buffer.from(fixture(path).replace(/\s+/g, ''), 'hex');
}

/** An `.env` fixture (`NAME=value` lines, as `env` or `set` print them) as an environment record. */
export function envFixture(path: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of fixture(path).split(/\r?\n/)) {
    const eq = line.indexOf('=');
    if (eq > 0) env[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return env;
}
