/**
 * The accounts of a pre-flight, read from a CSV file row by row (csv-parse), never all at once: a file
 * of 100,000 rows costs what one row costs. Every column is kept and copied to the output; the account
 * is the `UserPrincipalName` column. A row that cannot be an account (empty, malformed, a duplicate, a
 * line the CSV parser could not read) comes out as an invalid row with the reason; it never stops the run.
 */
import { createHash } from 'node:crypto';
import { parse } from 'csv-parse';
import { tenantProblem, upnProblem } from '../../checks/inputs.js';

/** What a row of the input is: an account (`--users`) or a tenant with its own app identity (`--tenants`). */
export interface RowKey {
  /** The column that names it. */
  readonly column: string;
  /** Why a value cannot be one, or undefined. */
  readonly problem: (value: string) => string | undefined;
  /** What the input is, for messages ("accounts"). */
  readonly what: string;
  /** How to make such a file. */
  readonly example: string;
}

export const ACCOUNT_KEY: RowKey = {
  column: 'UserPrincipalName',
  problem: (value) => upnProblem(value)?.reason,
  what: 'accounts',
  example: 'as Get-MgUser | Select-Object UserPrincipalName | Export-Csv writes it',
};

export const TENANT_KEY: RowKey = {
  column: 'Tenant',
  problem: (value) => tenantProblem(value)?.reason,
  what: 'tenants',
  example: 'with the columns Tenant (its id or a verified domain), AppId and CertificatePath',
};

/** One row of the input, in file order; `upn` is the value of its key column (an account, or a tenant). */
export type InputRow =
  | { readonly kind: 'account'; readonly index: number; readonly line: number; readonly upn: string; readonly columns: Readonly<Record<string, string>> }
  | { readonly kind: 'invalid'; readonly index: number; readonly line: number; readonly upn: string; readonly reason: string; readonly columns: Readonly<Record<string, string>> };

/** The file is not a pre-flight input at all (no header, no UserPrincipalName column): a usage error. */
export class InputError extends Error {
  override readonly name = 'InputError';
}

export interface RowSource {
  /** The input's columns, in order, as its header names them. */
  readonly columns: readonly string[];
  readonly rows: AsyncIterable<InputRow>;
}

/** What an earlier run of the same input wrote (`--resume`): how many rows, and a digest of their keys in order. */
export interface Done {
  readonly rows: number;
  readonly digest: string;
}

/** The running digest of a sequence of keys, for telling whether an output was written from this input. */
export class KeyDigest {
  private readonly hash = createHash('sha256');
  add(value: string): void {
    this.hash.update(`${value.trim().toLowerCase()}\n`);
  }
  digest(): string {
    return this.hash.digest('hex');
  }
}

/**
 * Reads the rows of a CSV stream. `done` is what an earlier run wrote (`--resume`): the results file holds
 * the input's first rows in input order, so as many rows are read and left out (their accounts still
 * count for duplicates), after checking that they are the same accounts.
 */
export async function readRows(input: AsyncIterable<Uint8Array | string>, source: string, key: RowKey = ACCOUNT_KEY, done: Done = { rows: 0, digest: '' }): Promise<RowSource> {
  // Not `trim`: with it, csv-parse stops at the first stray quote; values are trimmed here instead.
  const parser = parse({ columns: true, bom: true, skip_empty_lines: true, info: true, relax_column_count: true, relax_quotes: true, skip_records_with_error: true });
  const skipped: { line: number; reason: string; code?: string }[] = [];
  parser.on('skip', (err: Error & { lines?: number; code?: string }) => skipped.push({ line: err.lines ?? 0, reason: err.message, ...(err.code ? { code: err.code } : {}) }));
  // Fed in the background; the parser's own buffering is the back-pressure.
  const feeding = (async () => {
    try {
      for await (const chunk of input) if (!parser.write(chunk)) await new Promise((resolve) => parser.once('drain', resolve));
      parser.end();
    } catch (err) {
      parser.destroy(err as Error);
    }
  })();
  const iterator = parser[Symbol.asyncIterator]() as AsyncIterator<{ record: Record<string, string>; info: { lines: number; columns?: readonly { name: string }[] } }>;
  const first = await iterator.next().catch((err: Error) => {
    throw new InputError(`${source} cannot be read as CSV: ${err.message}.`);
  });
  const columns = first.done ? [] : (first.value.info.columns ?? []).map((c) => c.name);
  const keyColumn = columns.find((name) => name.toLowerCase() === key.column.toLowerCase());
  if (!keyColumn) {
    await feeding;
    throw new InputError(
      first.done
        ? `${source} has no rows: give a CSV file of ${key.what} whose first line names the columns, one of them ${key.column}.`
        : `${source} has no ${key.column} column (its columns: ${columns.join(', ') || 'none'}). Give a CSV file of ${key.what} whose header names ${key.column}, ${key.example}.`,
    );
  }
  const seen = new Map<string, number>();
  let index = 0;
  let lastLine = 1;
  // The lines the parser could not read, in their place among the rows (a skip is announced early).
  const flushSkipped = function* (before = Number.POSITIVE_INFINITY): Generator<InputRow> {
    while (skipped.length > 0 && (skipped[0] as { line: number }).line < before) {
      const bad = skipped.shift() as { line: number; reason: string; code?: string };
      yield bad.code === 'CSV_QUOTE_NOT_CLOSED'
        ? { kind: 'invalid', index: index++, line: lastLine + 1, upn: '', reason: `a quote opened after line ${lastLine} is never closed, so the rest of the file (to line ${bad.line}) is one broken row and none of its ${key.what} were checked: close or remove the quote and check those rows again`, columns: {} }
        : { kind: 'invalid', index: index++, line: bad.line, upn: '', reason: `line ${bad.line} is not valid CSV (${bad.reason})`, columns: {} };
    }
  };
  async function* all(): AsyncGenerator<InputRow> {
    let next = first;
    while (!next.done) {
      const { record, info } = next.value;
      yield* flushSkipped(info.lines);
      lastLine = info.lines;
      const upn = (record[keyColumn as string] ?? '').trim();
      const lower = upn.toLowerCase();
      const problem = upn === '' ? `the ${key.column} is empty` : key.problem(upn);
      const duplicate = problem === undefined ? seen.get(lower) : undefined;
      if (problem === undefined && duplicate === undefined) seen.set(lower, info.lines);
      const reason = problem !== undefined ? `${upn === '' ? '' : `${upn}: `}${problem}` : duplicate !== undefined ? `a duplicate of line ${duplicate}` : undefined;
      yield reason === undefined
        ? { kind: 'account', index: index++, line: info.lines, upn, columns: record }
        : { kind: 'invalid', index: index++, line: info.lines, upn, reason, columns: record };
      next = await iterator.next();
    }
    await feeding;
    yield* flushSkipped();
  }
  const rows = all();
  if (done.rows > 0) {
    const digest = new KeyDigest();
    for (let i = 0; i < done.rows; i++) {
      const row = await rows.next();
      if (row.done) break;
      digest.add(row.value.upn);
    }
    if (digest.digest() !== done.digest) {
      await rows.return(undefined);
      throw new InputError(`the results file to continue was not written from ${source}: its first ${done.rows} rows are not the first ${done.rows} ${key.what} of the input. Give the same input file as the run it continues, or leave --resume out and give a new -o file.`);
    }
  }
  async function* rest(): AsyncGenerator<InputRow> {
    for await (const row of rows) yield { ...row, index: row.index - done.rows };
  }
  return { columns, rows: rest() };
}
