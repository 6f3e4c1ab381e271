/**
 * Module and PowerShell versions as PowerShell orders them: up to four numeric parts (`1.0.0.1`), then an
 * optional prerelease label (`3.8.0-Preview1`, `7.5.0-preview.3`) that sorts before the release it
 * precedes. Pure.
 */

export interface ParsedVersion {
  readonly parts: readonly number[];
  readonly prerelease?: string;
}

/** `3.7.2`, `1.0.0.1`, `3.8.0-Preview1`; undefined for anything else. */
export function parseModuleVersion(text: string): ParsedVersion | undefined {
  const match = /^v?(\d+(?:\.\d+){0,3})(?:-([0-9A-Za-z][0-9A-Za-z.-]*))?$/.exec(text.trim());
  if (!match) return undefined;
  return { parts: match[1]!.split('.').map(Number), ...(match[2] ? { prerelease: match[2] } : {}) };
}

/** Negative when `a` sorts before `b`. Missing parts count as 0; unparsable versions sort first. */
export function compareModuleVersions(a: string, b: string): number {
  const left = parseModuleVersion(a);
  const right = parseModuleVersion(b);
  if (!left || !right) return (left ? 1 : 0) - (right ? 1 : 0);
  return compareParsedVersions(left, right);
}

/** The same for parsed versions: numeric parts first, then a prerelease sorts before its release. */
export function compareParsedVersions(left: ParsedVersion, right: ParsedVersion): number {
  for (let i = 0; i < Math.max(left.parts.length, right.parts.length); i++) {
    const difference = (left.parts[i] ?? 0) - (right.parts[i] ?? 0);
    if (difference !== 0) return difference;
  }
  if (left.prerelease === right.prerelease) return 0;
  if (left.prerelease === undefined) return 1;
  if (right.prerelease === undefined) return -1;
  return left.prerelease.localeCompare(right.prerelease, 'en', { sensitivity: 'base', numeric: true });
}

/** A folder name PowerShell takes for a module version (`3.7.2`, `1.0.0.1`): two to four numeric parts. */
export function isVersionFolder(name: string): boolean {
  return /^\d+(?:\.\d+){1,3}$/.test(name);
}
