import { describe, expect, it } from 'vitest';
import { collectIds, parseDuration, parseProxyUrl } from '../../src/options.js';

describe('parseDuration', () => {
  it.each([
    ['15000', 15_000],
    ['15s', 15_000],
    ['2m', 120_000],
    ['1500ms', 1500],
    [' 2.5s ', 2500],
  ])('reads %s as %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each([
    ['abc', 'expected a duration such as 15000, 15s or 2m.'],
    ['-5', 'expected a duration such as 15000, 15s or 2m.'],
    ['0', 'must be at least 100 ms.'],
    ['2h', 'expected a duration such as 15000, 15s or 2m.'],
    ['90m', 'must be at most 1 hour.'],
  ])('refuses %s', (text, message) => expect(() => parseDuration(text)).toThrow(message));
});

describe('collectIds', () => {
  it('splits on commas and accumulates repeated options', () => {
    expect(collectIds('c', collectIds('a, b'))).toEqual(['a', 'b', 'c']);
  });

  it('refuses an empty list', () => {
    expect(() => collectIds(' , ')).toThrow('expected one or more check ids');
  });
});

describe('parseProxyUrl', () => {
  it.each([
    ['proxy.contoso.com:8080', 'http://proxy.contoso.com:8080'],
    ['http://alice:s3cret@proxy:3128', 'http://alice:s3cret@proxy:3128'],
    ['http://[2001:db8::1]:8080/', 'http://[2001:db8::1]:8080'],
  ])('reads %s', (text, url) => expect(parseProxyUrl(text)).toBe(url));

  it.each([
    ['https://proxy:8443', 'only http:// proxies are supported (got https://).'],
    ['http://proxy', 'the proxy URL needs a port'],
    ['http://', 'expected a proxy URL'],
  ])('refuses %s', (text, message) => expect(() => parseProxyUrl(text)).toThrow(message));
});
