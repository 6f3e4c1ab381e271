import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ACCOUNT_KEY, type InputRow, InputError, KeyDigest, readRows, TENANT_KEY } from '../../../src/preflight/rows.js';

const chunks = (text: string, size = 7) => Readable.from(Array.from({ length: Math.ceil(text.length / size) }, (_, i) => Buffer.from(text.slice(i * size, (i + 1) * size))));

async function all(text: string, done?: { rows: number; digest: string }): Promise<InputRow[]> {
  const source = await readRows(chunks(text), 'users.csv', ACCOUNT_KEY, done);
  const rows: InputRow[] = [];
  for await (const row of source.rows) rows.push(row);
  return rows;
}

const brief = (row: InputRow) => (row.kind === 'account' ? `${row.line} ${row.upn}` : `${row.line} invalid: ${row.reason}`);

describe('readRows', () => {
  it('reads accounts row by row, keeps every column, and finds the column whatever its case', async () => {
    const source = await readRows(chunks('\uFEFFuserprincipalname,Team\r\nalexw@contoso.com,Messaging\r\n\r\nlidiah@contoso.com, Service desk \r\n'), 'users.csv');
    expect(source.columns).toEqual(['userprincipalname', 'Team']);
    const rows: InputRow[] = [];
    for await (const row of source.rows) rows.push(row);
    expect(rows.map(brief)).toEqual(['2 alexw@contoso.com', '4 lidiah@contoso.com']);
    expect(rows[1]?.columns).toEqual({ userprincipalname: 'lidiah@contoso.com', Team: ' Service desk ' });
    expect(rows.map((r) => r.index)).toEqual([0, 1]);
  });

  it('reports empty, malformed and duplicate rows in their place, and reads on', async () => {
    const rows = await all('UserPrincipalName\nalexw@contoso.com\n""\nAlex Wilber\nALEXW@contoso.com\n"a"b@contoso.com\nlidiah@contoso.com\n');
    expect(rows.map(brief)).toEqual([
      '2 alexw@contoso.com',
      '3 invalid: the UserPrincipalName is empty',
      '4 invalid: Alex Wilber: it contains a space',
      '5 invalid: a duplicate of line 2',
      '6 invalid: "a"b@contoso.com: the part before the @ contains characters a UPN cannot have: "',
      '7 lidiah@contoso.com',
    ]);
  });

  it('says where a quote that never closes starts, and what it swallowed', async () => {
    const rows = await all('UserPrincipalName,Note\nalexw@contoso.com,a\n"lidiah@contoso.com,b\ndiegos@contoso.com,c\n');
    expect(rows.map(brief)).toEqual(['2 alexw@contoso.com', expect.stringMatching(/^3 invalid: a quote opened after line 2 is never closed, so the rest of the file \(to line \d\) is one broken row/)]);
  });

  it('refuses a file without the key column, or without rows, as a usage error that says what to give', async () => {
    await expect(readRows(chunks('Mail\na@contoso.com\n'), 'users.csv')).rejects.toThrow(new InputError('users.csv has no UserPrincipalName column (its columns: Mail). Give a CSV file of accounts whose header names UserPrincipalName, as Get-MgUser | Select-Object UserPrincipalName | Export-Csv writes it.'));
    await expect(readRows(chunks(''), 'users.csv')).rejects.toThrow(/has no rows/);
    await expect(readRows(chunks('Tenant,AppId\ncontoso.com,x\n'), 'tenants.csv', TENANT_KEY)).resolves.toMatchObject({ columns: ['Tenant', 'AppId'] });
  });

  it('leaves out the rows an earlier run wrote, after checking they are the same accounts', async () => {
    const text = 'UserPrincipalName\nalexw@contoso.com\nAlex Wilber\nlidiah@contoso.com\nalexw@contoso.com\n';
    const digest = new KeyDigest();
    for (const upn of ['alexw@contoso.com', 'Alex Wilber']) digest.add(upn);
    const rest = await all(text, { rows: 2, digest: digest.digest() });
    // Numbered from 0 again, and a duplicate of a row done before still counts as one.
    expect(rest.map((r) => [r.index, brief(r)])).toEqual([
      [0, '4 lidiah@contoso.com'],
      [1, '5 invalid: a duplicate of line 2'],
    ]);
    const other = new KeyDigest();
    other.add('someone@contoso.com');
    await expect(all(text, { rows: 1, digest: other.digest() })).rejects.toThrow(/was not written from users.csv/);
  });
});
