/**
 * Keeps secrets and personal identifiers out of everything the doctor prints: the report, JSON, logs
 * and error messages.
 *
 * Two classes of value:
 * - secrets (tokens, passwords, client secrets, proxy credentials): always replaced, both by value when
 *   the doctor knows them and by shape (a JWT, a `Bearer` header, `password=`, URL credentials);
 * - identifiers (UPN, tenant id and domain, host names of the admin's machine): masked unless the user
 *   asked for `--show-sensitive`.
 */

export const REDACTED = '[redacted]';

/** Shapes of secrets that must never be printed, whatever check or library produced the text. */
const SECRET_PATTERNS: readonly [RegExp, string][] = [
  // JSON Web Tokens (access, id and refresh tokens in JWT form, client assertions).
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, REDACTED],
  // Authorization / Proxy-Authorization header values.
  [/\b((?:proxy-)?authorization\s*[:=]\s*)(?:"[^"]*"|'[^']*'|(?:bearer|basic|negotiate|ntlm|digest)\s+[^\s,;"']+|[^\s,;"']+)/gi, `$1${REDACTED}`],
  [/\b(Bearer|Basic|Negotiate|NTLM)\s+(?=[A-Za-z0-9._~+/=-]*[0-9+/=])[A-Za-z0-9._~+/=-]{16,}/g, `$1 ${REDACTED}`],
  // key=value and "key": "value" pairs whose key names a secret.
  [
    /\b((?:client_secret|client_assertion|access_token|refresh_token|id_token|password|passwd|pwd|secret|device_code|code_verifier|assertion)"?\s*[:=]\s*"?)([^"&\s,;}]+)/gi,
    `$1${REDACTED}`,
  ],
  // Credentials in URLs (scheme://user:password@host): the user name goes too, it is half of them.
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/gi, `$1${REDACTED}@`],
  // Entra client secrets (the current format carries "Q~" after its first characters).
  [/\b[A-Za-z0-9_.-]{3}\dQ~[A-Za-z0-9_.~-]{31,34}/g, REDACTED],
  // A password handed to PowerShell in clear text.
  [/\b(ConvertTo-SecureString\s+(?:-String\s+)?)("[^"]*"|'[^']*')/gi, `$1${REDACTED}`],
  // PEM private keys.
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, REDACTED],
];

/** Values that look like identifiers but name nobody: masking them would only hide meaning. */
const NAMES_NOBODY = new Set(['common', 'organizations', 'consumers', 'localhost', 'onmicrosoft.com']);

/** Masks an identifier so that its owner still recognises it: `admin@contoso.com` → `a•••@c•••.com`. */
export function maskIdentifier(value: string): string {
  const at = value.lastIndexOf('@');
  if (at > 0) return `${maskWord(value.slice(0, at))}@${maskDomain(value.slice(at + 1))}`;
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) return `${value.slice(0, 4)}••••-…-••••${value.slice(-4)}`;
  if (/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(value)) return maskDomain(value);
  return maskWord(value);
}

function maskWord(word: string): string {
  return word.length <= 1 ? '•••' : `${word[0]}•••`;
}

function maskDomain(domain: string): string {
  // Microsoft's own suffixes stay readable: they say which cloud, not who.
  const suffix = /\.(?:mail\.)?onmicrosoft\.(?:com|us)$|\.partner\.onmschina\.cn$/i.exec(domain)?.[0];
  if (suffix && domain.length > suffix.length) return `${maskWord(domain.slice(0, -suffix.length))}${suffix}`;
  const dot = domain.lastIndexOf('.');
  return dot <= 0 ? maskWord(domain) : `${maskWord(domain.slice(0, dot))}${domain.slice(dot)}`;
}

export class Redactor {
  private readonly secrets = new Set<string>();
  private readonly identifiers = new Map<string, string>();

  constructor(private readonly showIdentifiers = false) {}

  /** A secret the doctor holds (a token, a proxy password): replaced by value everywhere. */
  addSecret(value: string | undefined): void {
    if (value && value.length >= 4) this.secrets.add(value);
  }

  /** A personal identifier: masked unless `--show-sensitive`. */
  addIdentifier(value: string | undefined): void {
    if (!value || value.length < 3 || this.showIdentifiers || NAMES_NOBODY.has(value.toLowerCase())) return;
    this.identifiers.set(value, maskIdentifier(value));
    // As it appears in URLs too (login_hint=admin%40contoso.com).
    const encoded = encodeURIComponent(value);
    if (encoded !== value) this.identifiers.set(encoded, maskIdentifier(value));
    const at = value.lastIndexOf('@');
    // The domain of a UPN names the tenant too.
    if (at > 0) this.addIdentifier(value.slice(at + 1));
  }

  /** Whether identifiers are shown in full. */
  get showsIdentifiers(): boolean {
    return this.showIdentifiers;
  }

  /** The masked form of one value, for evidence marked sensitive. */
  maskValue(value: string): string {
    if (this.showIdentifiers || NAMES_NOBODY.has(value.toLowerCase())) return this.apply(value);
    return maskIdentifier(this.apply(value));
  }

  /** Applies every rule to a text. */
  apply(text: string): string {
    let out = text;
    for (const secret of longestFirst(this.secrets)) out = out.split(secret).join(REDACTED);
    for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
    for (const value of longestFirst(this.identifiers.keys())) out = replaceIgnoreCase(out, value, this.identifiers.get(value) as string);
    return out;
  }
}

function longestFirst(values: Iterable<string>): string[] {
  return [...values].sort((a, b) => b.length - a.length);
}

/**
 * Replaces whole occurrences only: `admin` is masked in `CONTOSO\admin` but not inside
 * `admin@contoso.com`, and `contoso.com` is masked in `adfs.contoso.com` but not in `contoso.com.au`.
 */
function replaceIgnoreCase(text: string, value: string, replacement: string): string {
  const escaped = value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return text.replace(new RegExp(`(?<![A-Za-z0-9_-])${escaped}(?![A-Za-z0-9_@-]|\\.[A-Za-z0-9])`, 'gi'), replacement);
}
