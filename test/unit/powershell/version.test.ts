// Module versions in PowerShell's order: numeric parts, then a prerelease before its release.
import { describe, expect, it } from 'vitest';
import { compareModuleVersions, isVersionFolder, parseModuleVersion } from '../../../src/powershell/version.js';

describe('module versions', () => {
  it('parses numeric versions and prerelease labels, and refuses the rest', () => {
    expect(parseModuleVersion('1.0.0.1')).toEqual({ parts: [1, 0, 0, 1] });
    expect(parseModuleVersion('3.8.0-Preview1')).toEqual({ parts: [3, 8, 0], prerelease: 'Preview1' });
    expect(parseModuleVersion('7.5.0-preview.3')).toEqual({ parts: [7, 5, 0], prerelease: 'preview.3' });
    expect(parseModuleVersion('latest')).toBeUndefined();
    expect(parseModuleVersion('1.2.3.4.5')).toBeUndefined();
  });

  it('orders numerically, a prerelease before its release, missing parts as zero', () => {
    const sorted = ['3.10.0', '3.7.2', '3.8.0', '3.8.0-Preview1', '2.0.5', '3.7.2.0', '3.8.0-preview2'].sort(compareModuleVersions);
    expect(sorted).toEqual(['2.0.5', '3.7.2', '3.7.2.0', '3.8.0-Preview1', '3.8.0-preview2', '3.8.0', '3.10.0']);
    expect(compareModuleVersions('3.7.2', '3.7.2.0')).toBe(0);
  });

  it('knows a version folder from any other folder', () => {
    expect(['3.7.2', '1.0.0.1', '10.0'].every(isVersionFolder)).toBe(true);
    expect(['3', 'netCore', '3.8.0-Preview1', 'en-US'].some(isVersionFolder)).toBe(false);
  });
});
