// Entra's messages recognised without their AADSTS code, from the descriptions of Microsoft's reference.
import { describe, expect, it } from 'vitest';
import { entraTexts } from '../../../src/explain/entra-text.js';
import { explain } from '../../../src/explain/explain.js';

const codes = (text: string) => entraTexts(text).map((found) => found.code);

describe('entraTexts', () => {
  it('names the code of a whole short sentence of the reference', () => {
    const text = 'Connect-MsolService : The user account is disabled.\nAt line:1 char:1';
    const [found] = entraTexts(text);
    expect(found?.code).toBe(50057);
    expect(text.slice(found?.start, found?.end)).toBe('The user account is disabled');
  });

  it('reads a description through wrapping, case, curly quotes and contractions spelt either way', () => {
    expect(codes('ERROR: the   app needs access to a service that your\n organization hasn’t subscribed to or enabled')).toEqual([650052]);
    expect(codes('The app needs access to a service that your organization has not subscribed to or enabled.')).toEqual([650052]);
  });

  it('reads past the values a message carries (ids, names) without a run spanning one', () => {
    expect(codes("AADSTS-less: The user or administrator has not consented to use the application with ID 'b5a2f3e1' named 'Contoso Reports'.")).toEqual([65001]);
  });

  it('does not name a code from words descriptions of several causes share, or from a few words in a row', () => {
    expect(codes('Contact the tenant admin.')).toEqual([]);
    // Several codes of one category share it: the first names them all (their fix is the same).
    expect(codes("There's an issue with your federated Identity Provider. Contact your IDP to resolve this issue.")).toEqual([20001]);
    expect(codes('The user account was created and the mailbox is disabled for now.')).toEqual([]);
    expect(codes('')).toEqual([]);
  });

  it('finds each code once, in the order of the text', () => {
    expect(codes('The user account is disabled. Later: The user account is disabled. Then: the app needs access to a service that your organization has not subscribed to or enabled')).toEqual([50057, 650052]);
  });
});

describe('explain with Entra text and no code', () => {
  it('names the cause from the message, quoting it, a little less sure than with the code', () => {
    const without = explain('Get-MgUser : The user account is disabled.\n    + CategoryInfo : NotSpecified');
    expect(without.causes[0]).toMatchObject({ id: 'aadsts-50057', category: 'account_disabled_or_locked' });
    expect(without.causes[0]?.matched.join(' ')).toContain('The user account is disabled');
    const withCode = explain('AADSTS50057: The user account is disabled.');
    expect(withCode.causes[0]?.id).toBe('aadsts-50057');
    expect(withCode.causes[0]?.score ?? 0).toBeGreaterThan(without.causes[0]?.score ?? 1);
    // The code's own message is not counted as a second sighting.
    expect(withCode.causes.filter((c) => c.id === 'aadsts-50057')).toHaveLength(1);
  });
});
