/** Structural comparison of a response with a reference example: the keys and JSON types it must have. */

/** Paths in `expected` missing from `actual` or of another JSON type. `null` in the example matches anything. */
export function shapeDifferences(expected: unknown, actual: unknown, path = '$'): string[] {
  if (expected === null || expected === undefined) return [];
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [`${path}: expected a list, got ${kind(actual)}`];
    return expected.length > 0 && actual.length > 0 ? shapeDifferences(expected[0], actual[0], `${path}[0]`) : [];
  }
  if (typeof expected === 'object') {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) return [`${path}: expected an object, got ${kind(actual)}`];
    return Object.entries(expected).flatMap(([key, value]) =>
      key in actual ? shapeDifferences(value, (actual as Record<string, unknown>)[key], `${path}.${key}`) : [`${path}.${key}: missing`],
    );
  }
  if (actual === null) return [];
  return typeof expected === typeof actual ? [] : [`${path}: expected ${typeof expected}, got ${kind(actual)}`];
}

function kind(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value;
}
