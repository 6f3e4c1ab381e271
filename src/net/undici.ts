/**
 * undici, loaded on first use. It is CommonJS: in the split ESM bundle its chunk has only a default
 * export (module.exports), while Node's own loader also offers the names; this takes either.
 */
type Undici = typeof import('undici');

let loading: Promise<Undici> | undefined;

export function loadUndici(): Promise<Undici> {
  return (loading ??= import('undici').then((mod) => (mod as Undici & { default?: Undici }).default ?? mod));
}
