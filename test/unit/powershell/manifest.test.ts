// Reading ModuleVersion and PSData.Prerelease from real manifest shapes (fixtures/powershell/manifests).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { manifestText, readManifestVersion } from '../../../src/powershell/manifest.js';

/** As ctx.readFile reads it: UTF-8, whatever the bytes are. */
const manifest = (name: string, encoding: BufferEncoding = 'utf8') =>
  readFileSync(new URL(`../../../fixtures/powershell/manifests/${name}`, import.meta.url), encoding);

describe('readManifestVersion on recorded manifests', () => {
  it.each([
    ['ExchangeOnlineManagement-2.0.5.psd1', '2.0.5'],
    ['ExchangeOnlineManagement-3.5.0.psd1', '3.5.0'],
    ['Az.Accounts-5.3.0.psd1', '5.3.0'],
    ['Microsoft.Graph.Authentication-2.25.0.psd1', '2.25.0'],
    ['MSAL.PS-4.37.0.0.psd1', '4.37.0.0'],
    ['PackageManagement-1.4.8.1.psd1', '1.4.8.1'],
  ])('reads %s as %s, ignoring a commented-out Prerelease', (file, version) => {
    expect(readManifestVersion(manifest(file))).toEqual({ moduleVersion: version });
  });

  it('reads the UTF-16LE manifest of 3.7.2 as decoded by a UTF-8 reader, and as decoded properly', () => {
    const damaged = manifest('ExchangeOnlineManagement-3.7.2.psd1');
    expect(damaged).toContain('\u0000');
    expect(readManifestVersion(damaged)).toEqual({ moduleVersion: '3.7.2' });
    expect(readManifestVersion(manifest('ExchangeOnlineManagement-3.7.2.psd1', 'utf16le'))).toEqual({ moduleVersion: '3.7.2' });
  });

  it('takes the top-level ModuleVersion, not the ones inside RequiredModules or a here-string', () => {
    // PowerShellGet: aligned keys, quoted PrivateData keys, an inline RequiredModules hashtable and a here-string.
    expect(readManifestVersion(manifest('PowerShellGet-2.2.5.psd1'))).toEqual({ moduleVersion: '2.2.5' });
    const requiredFirst = "@{\n  RequiredModules = @(@{ ModuleName = 'PowerShellGet'; ModuleVersion = '1.0.0.1' })\n  ModuleVersion = '3.9.0'\n}";
    expect(readManifestVersion(requiredFirst)).toEqual({ moduleVersion: '3.9.0' });
  });

  it('adds the PSData Prerelease label of a preview', () => {
    expect(readManifestVersion(manifest('ExchangeOnlineManagement-3.8.0-Preview1.psd1'))).toEqual({ moduleVersion: '3.8.0', prerelease: 'Preview1' });
  });
});

describe('readManifestVersion on edge cases', () => {
  it('copes with a UTF-8 BOM, CRLF, double quotes, block comments and case', () => {
    const text = '\uFEFF<# ModuleVersion = "0.0.1" #>\r\n@{\r\n    moduleversion = "1.2.3" # trailing comment\r\n    PrivateData = @{ PSData = @{ prerelease = "rc1" } }\r\n}\r\n';
    expect(readManifestVersion(text)).toEqual({ moduleVersion: '1.2.3', prerelease: 'rc1' });
  });

  it('ignores an empty Prerelease, a Prerelease outside PSData and a ModuleVersion in a nested hashtable', () => {
    const text = "@{\n ModuleVersion = '4.0'\n Prerelease = 'top'\n PrivateData = @{ Prerelease = 'wrong'; PSData = @{ Prerelease = '' } }\n Nested = @{ ModuleVersion = '9.9' }\n}";
    expect(readManifestVersion(text)).toEqual({ moduleVersion: '4.0' });
  });

  it('reads a value on the line after its key, and escaped quotes inside strings', () => {
    expect(readManifestVersion("@{\n Description = 'it''s a ''ModuleVersion = 8'' test'\n ModuleVersion =\n   '5.0.1'\n}")).toEqual({ moduleVersion: '5.0.1' });
  });

  it('finds nothing in text that is not a manifest', () => {
    expect(readManifestVersion('')).toEqual({});
    expect(readManifestVersion('ModuleVersion = 1.0')).toEqual({});
    expect(readManifestVersion('@{ ModuleVersion = ')).toEqual({});
  });

  it('leaves ordinary text alone in manifestText', () => {
    expect(manifestText("@{ ModuleVersion = '1.0' }")).toBe("@{ ModuleVersion = '1.0' }");
    expect(manifestText('\uFEFF@{}')).toBe('@{}');
  });
});
