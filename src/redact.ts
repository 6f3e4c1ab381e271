/**
 * Keeps secrets and personal identifiers out of everything the doctor prints: the report, JSON, logs
 * and error messages.
 *
 * Two classes of value:
 * - secrets (tokens, passwords, client secrets, proxy credentials): always removed, both by value when
 *   the doctor knows them and by shape (a JWT, a `Bearer` header, `password=`, URL credentials, a
 *   PowerShell `-ClientSecret` or `ConvertTo-SecureString` argument);
 * - identifiers (UPNs, tenant ids and domains, the machine's host and user name, people's names): masked
 *   unless the user asked for `--show-sensitive`. Only the identifying value is masked, as a whole token,
 *   never a part of another word; in commands it becomes a readable placeholder (`<admin UPN>`), since a
 *   masked command could not be pasted anyway.
 */

import { createHmac } from 'node:crypto';

export const REDACTED = '[redacted]';

/** The value between `ConvertTo-SecureString` and the end of its command, with every string in it. */
function secureStringArguments(segment: string): string {
  return segment
    .replace(/"[^"]*"|'[^']*'/g, REDACTED)
    .replace(/(-String\s+)(?![$("'[-])\S+/gi, `$1${REDACTED}`);
}

/** Names of fields, parameters and variables whose value is a secret. */
const SECRET_KEY =
  'client[_-]?secret|client[_-]?assertion|access[_-]?token|refresh[_-]?token|id[_-]?token|password|passwd|pwd|secret|device[_-]?code|code[_-]?verifier|assertion|api[_-]?key|app[_-]?secret|account[_-]?key|shared[_-]?access[_-]?key|sig';

/** Shapes of secrets that must never be printed, whatever check or library produced the text. */
const SECRET_PATTERNS: readonly [RegExp, string | ((match: string, ...groups: string[]) => string)][] = [
  // JSON Web Tokens (access, id and refresh tokens in JWT form, client assertions).
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, REDACTED],
  // Authorization / Proxy-Authorization / Cookie header values.
  [/\b((?:proxy-)?authorization\s*[:=]\s*)(?:"[^"]*"|'[^']*'|(?:bearer|basic|negotiate|ntlm|digest)\s+[^\s,;"']+|[^\s,;"']+)/gi, `$1${REDACTED}`],
  [/\b((?:set-)?cookie\s*:\s*)[^\r\n]+/gi, `$1${REDACTED}`],
  [/\b(Bearer|Basic|Negotiate|NTLM)\s+(?=[A-Za-z0-9._~+/=-]*[0-9+/=])[A-Za-z0-9._~+/=-]{16,}/g, `$1 ${REDACTED}`],
  // A password handed to PowerShell in clear text: every string given to ConvertTo-SecureString.
  [/\bConvertTo-SecureString\b[^;|\r\n)}]*/gi, (segment) => secureStringArguments(segment)],
  // PowerShell parameters that take a secret (-ClientSecret, -Password, -CertificatePassword, …). A
  // variable or a sub-expression is not the secret itself and stays readable.
  [
    /((?<![\w-])-(?:ClientSecret|AppSecret|Secret|Password|CertificatePassword|CertificateFilePassword|AccessToken|Token|Pwd)\s+)("[^"]*"|'[^']*'|(?![$(@-])[^\s;|)]+)/gi,
    `$1${REDACTED}`,
  ],
  // key=value, key: value and "key": "value" pairs whose key names a secret; quoted values whole.
  [new RegExp(`(\\b(?:${SECRET_KEY})["']?\\s*[:=]\\s*)("[^"]*"|'[^']*')`, 'gi'), `$1"${REDACTED}"`],
  [new RegExp(`(\\b(?:${SECRET_KEY})["']?\\s*[:=]\\s*)(?!"${escapeRegExp(REDACTED)})([^"'&\\s,;}]+)`, 'gi'), `$1${REDACTED}`],
  // Credentials in URLs (scheme://user:password@host): the user name goes too, it is half of them. A
  // password may hold a slash; a port followed by a path may not be read as one.
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^\s@/"'<>]+(?::(?!\d+(?:[/?#"'\s]|$))[^\s@"'<>]*)?@/gi, `$1${REDACTED}@`],
  // A proxy variable written without a scheme: HTTPS_PROXY=user:password@host:port.
  [/\b((?:https?|all|ftp)_proxy\s*=\s*["']?)(?![a-z][a-z0-9+.-]*:\/\/)[^\s"'@]+@/gi, `$1${REDACTED}@`],
  // Entra client secrets (the current format carries "Q~" after its first characters).
  [/\b[A-Za-z0-9_.-]{3}\dQ~[A-Za-z0-9_.~-]{31,34}/g, REDACTED],
  // PEM private keys.
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, REDACTED],
];

/** Values that look like identifiers but name nobody: masking them would only hide meaning. */
const NAMES_NOBODY = new Set(['common', 'organizations', 'consumers', 'localhost', 'onmicrosoft.com']);

/** Whose value an identifier is: sets the placeholder a command shows instead. */
export type IdentifierRole = 'admin' | 'target' | 'tenant' | 'machine-host' | 'machine-user' | 'person' | 'organisation' | 'app';

type Shape = 'email' | 'guid' | 'domain' | 'word' | 'phrase';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function shapeOf(value: string): Shape {
  if (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) return 'email';
  if (GUID.test(value)) return 'guid';
  if (/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(value)) return 'domain';
  if (/^[^\s]+$/.test(value)) return 'word';
  return 'phrase';
}

/** Masks an identifier so that its owner still recognises it: `admin@contoso.com` → `a•••@c•••.com`. */
export function maskIdentifier(value: string): string {
  const at = value.lastIndexOf('@');
  if (at > 0) return `${maskWord(value.slice(0, at))}@${maskDomain(value.slice(at + 1))}`;
  if (GUID.test(value)) return `${value.slice(0, 4)}••••-…-••••${value.slice(-4)}`;
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

function placeholderFor(shape: Shape, role: IdentifierRole | undefined): string {
  switch (shape) {
    case 'email':
      return role === 'admin' ? '<admin UPN>' : role === 'target' ? '<target UPN>' : '<user UPN>';
    case 'guid':
      return role === 'tenant' ? '<tenant id>' : '<object id>';
    case 'domain':
      return role === 'machine-host' ? '<machine name>' : '<tenant domain>';
    default:
      return role === 'machine-user' ? '<user name>' : role === 'machine-host' ? '<machine name>' : role === 'organisation' ? '<organisation>' : role === 'person' ? '<person>' : role === 'app' ? '<app name>' : '<name>';
  }
}

interface Identifier {
  /** The value as first given, and whose it is: what a derived redactor starts from. */
  readonly value: string;
  readonly role: IdentifierRole | undefined;
  readonly mask: string;
  readonly placeholder: string;
  /** Matches the value where it identifies someone. */
  readonly pattern: RegExp;
}

/** The kind a keyed placeholder names (`<upn-3f9a2c1b>`): what the value was, never who. */
function keyedKind(shape: Shape, role: IdentifierRole | undefined): string {
  switch (shape) {
    case 'email':
      return 'upn';
    case 'guid':
      return role === 'tenant' ? 'tenant-id' : 'id';
    case 'domain':
      return role === 'machine-host' ? 'host' : 'domain';
    default:
      return role === 'machine-user' ? 'user' : role === 'machine-host' ? 'host' : role === 'organisation' ? 'organisation' : role === 'person' ? 'person' : role === 'app' ? 'app-name' : 'name';
  }
}

/**
 * How identifiers are hidden: masked for a person to recognise (`a•••@c•••.com`, the default), or
 * replaced by keyed placeholders (`<upn-3f9a2c1b>`, HMAC-SHA256 of the value under `key`), so the same
 * value is the same placeholder throughout one support bundle and cannot be read back without the key.
 */
export type IdentifierForm = { readonly kind: 'mask' } | { readonly kind: 'keyed'; readonly key: Uint8Array };

/**
 * Where a value is matched. Addresses, ids, domains and names of several words are matched as whole
 * tokens anywhere. A single plain word (a login name such as `admin`, a host name such as `exchange`)
 * is an ordinary word too, so it is matched only where it names the account or machine: in a profile
 * path, as `DOMAIN\user`, `user@host` or `\\host\`, unless its shape (a digit, a hyphen, an underscore)
 * sets it apart from words.
 */
function patternFor(value: string, shape: Shape, role?: IdentifierRole): RegExp {
  const escaped = escapeRegExp(value);
  const whole = `(?<![A-Za-z0-9_.-])${escaped}(?![A-Za-z0-9_@-]|\\.[A-Za-z0-9])`;
  // A person's or an organisation's name is a proper noun: matched as a whole token anywhere, with its own capitals.
  if (role === 'person' || role === 'organisation' || role === 'app') return new RegExp(whole, 'g');
  if (shape === 'domain') return new RegExp(`(?<![A-Za-z0-9_-])${escaped}(?![A-Za-z0-9_@-]|\\.[A-Za-z0-9])`, 'gi');
  if (shape !== 'word' || /[0-9_-]/.test(value)) return new RegExp(whole, 'gi');
  const contexts = [
    `(?<=[\\\\/](?:Users|home|Documents and Settings)[\\\\/])${escaped}(?=[\\\\/'"\\s]|$)`,
    `(?<=\\b[A-Za-z][A-Za-z0-9-]{0,14}\\\\)${escaped}\\b(?![\\\\/])`,
    `(?<=\\\\\\\\)${escaped}(?=\\\\)`,
    // A home directory at the top of the tree (root's is /root).
    `(?<=(?:^|[\\s'"=(:])/)${escaped}(?=/)`,
    `(?<![A-Za-z0-9_.-])${escaped}(?=@[A-Za-z0-9-]+(?![A-Za-z0-9.-]*\\.[a-z]{2,}))`,
  ];
  return new RegExp(contexts.join('|'), 'gi');
}

export class Redactor {
  private readonly secrets = new Set<string>();
  private readonly identifiers = new Map<string, Identifier>();
  private ordered: [string, Identifier][] | undefined;

  constructor(
    private readonly showIdentifiers = false,
    private readonly form: IdentifierForm = { kind: 'mask' },
  ) {}

  /**
   * A redactor with the same secrets and identifiers, hiding identifiers another way: keyed placeholders
   * for a support bundle, or none at all (`--no-redact`; secrets still go).
   */
  derive(options: { readonly showIdentifiers: boolean; readonly form?: IdentifierForm }): Redactor {
    const other = new Redactor(options.showIdentifiers, options.form ?? this.form);
    for (const secret of this.secrets) other.secrets.add(secret);
    for (const identifier of this.identifiers.values()) other.addIdentifier(identifier.value, identifier.role);
    return other;
  }

  /** How many identifiers of each kind are hidden (for a bundle's manifest: counts, never values). */
  identifierCounts(): Readonly<Record<string, number>> {
    const counts: Record<string, number> = {};
    const seen = new Set<string>();
    for (const identifier of this.identifiers.values()) {
      if (seen.has(identifier.value.toLowerCase())) continue;
      seen.add(identifier.value.toLowerCase());
      const kind = keyedKind(shapeOf(identifier.value), identifier.role);
      counts[kind] = (counts[kind] ?? 0) + 1;
    }
    return counts;
  }

  /** A secret the doctor holds (a token, a proxy password): replaced by value everywhere. */
  addSecret(value: string | undefined): void {
    if (value && value.length >= 4) this.secrets.add(value);
  }

  /**
   * A personal identifier: masked unless `--show-sensitive`. `role` says whose it is, for the
   * placeholder in commands (`<admin UPN>`, `<tenant id>`).
   */
  addIdentifier(raw: string | undefined, role?: IdentifierRole): void {
    const value = raw?.trim();
    if (!value || value.length < 3 || this.showIdentifiers || NAMES_NOBODY.has(value.toLowerCase())) return;
    if (value.includes('•••') || /^<[^>]+>$/.test(value)) return;
    const key = value.toLowerCase();
    const existing = this.identifiers.get(key);
    // A value already known keeps its first role, unless a later one is more specific.
    if (existing && role === undefined) return;
    const shape = shapeOf(value);
    const keyed = this.form.kind === 'keyed' ? `<${keyedKind(shape, role)}-${createHmac('sha256', this.form.key).update(key).digest('hex').slice(0, 8)}>` : undefined;
    const mask = keyed ?? maskIdentifier(value);
    const placeholder = keyed ?? placeholderFor(shape, role);
    this.identifiers.set(key, { value, role, mask, placeholder, pattern: patternFor(value, shape, role) });
    // As it appears in URLs too (login_hint=admin%40contoso.com).
    const encoded = encodeURIComponent(value);
    if (encoded !== value && shape === 'email') {
      this.identifiers.set(encoded.toLowerCase(), { value, role, mask, placeholder, pattern: new RegExp(escapeRegExp(encoded), 'gi') });
    }
    this.ordered = undefined;
    // The domain of a UPN names the tenant too.
    if (shape === 'email') this.addIdentifier(value.slice(value.lastIndexOf('@') + 1), 'tenant');
  }

  /** The identifying values in a text that is itself sensitive (evidence marked so): addresses, ids, domains, profile paths. */
  addIdentifiersIn(text: string): void {
    if (this.showIdentifiers) return;
    const trimmed = text.trim();
    const shape = shapeOf(trimmed);
    if (shape !== 'phrase' && !/[\\/]/.test(trimmed)) {
      // A host in a domain already known (adfs.contoso.com) is masked through that domain, and stays readable.
      if (shape === 'domain' && this.knownDomainOf(trimmed)) return;
      this.addIdentifier(trimmed);
      return;
    }
    for (const email of text.match(/[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g) ?? []) this.addIdentifier(email);
    for (const guid of text.match(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi) ?? []) this.addIdentifier(guid);
    for (const [, user] of text.matchAll(/[\\/](?:Users|home)[\\/]([^\\/\s'";:]+)/gi)) this.addIdentifier(user, 'machine-user');
  }

  private knownDomainOf(host: string): boolean {
    const lower = host.toLowerCase();
    return [...this.identifiers.keys()].some((key) => lower.endsWith(`.${key}`) && shapeOf(key) === 'domain');
  }

  /** Whether identifiers are shown in full. */
  get showsIdentifiers(): boolean {
    return this.showIdentifiers;
  }

  /** Whether any identifier is being masked. */
  get masksIdentifiers(): boolean {
    return !this.showIdentifiers && this.identifiers.size > 0;
  }

  /** The masked form of a value that names someone (evidence marked sensitive). */
  maskValue(value: string): string {
    return this.apply(value);
  }

  /** Applies every rule to a text: secrets removed, identifiers masked. */
  apply(text: string): string {
    return this.replaceIdentifiers(this.removeSecrets(text), 'mask');
  }

  /** The same for a command: identifiers become placeholders (`<admin UPN>`) instead of masks. */
  applyCommand(text: string): string {
    return this.replaceIdentifiers(this.removeSecrets(text), 'placeholder');
  }

  /** Removes secrets only, whatever `--show-sensitive` says. */
  removeSecrets(text: string): string {
    let out = text;
    for (const secret of longestFirst(this.secrets)) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    for (const [pattern, replacement] of SECRET_PATTERNS) {
      out = typeof replacement === 'string' ? out.replace(pattern, replacement) : out.replace(pattern, replacement);
    }
    return out;
  }

  private replaceIdentifiers(text: string, form: 'mask' | 'placeholder'): string {
    if (this.showIdentifiers || this.identifiers.size === 0) return text;
    this.ordered ??= [...this.identifiers.entries()].sort((a, b) => b[0].length - a[0].length);
    let out = text;
    const lower = text.toLowerCase();
    for (const [key, identifier] of this.ordered) {
      if (!lower.includes(key)) continue;
      out = out.replace(identifier.pattern, form === 'mask' ? identifier.mask : identifier.placeholder);
    }
    return out;
  }
}

function longestFirst(values: Iterable<string>): string[] {
  return [...values].sort((a, b) => b.length - a.length);
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The credentials in a proxy setting, however it is written: `user:pass@host:port`, with or without a scheme, a slash in the password. */
export function proxyCredentials(value: string | undefined): string[] {
  const userinfo = proxyUserinfo(value);
  if (!userinfo) return [];
  const colon = userinfo.indexOf(':');
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  const user = colon < 0 ? userinfo : userinfo.slice(0, colon);
  const password = colon < 0 ? '' : userinfo.slice(colon + 1);
  const secrets = [userinfo, decode(userinfo)];
  if (password) secrets.push(password, decode(password), `${decode(user)}:${decode(password)}`);
  return [...new Set(secrets.filter((s) => s.length >= 4 || s === password))];
}

function proxyUserinfo(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const rest = value.trim().replace(/^["']|["']$/g, '').replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const at = rest.lastIndexOf('@');
  return at > 0 ? rest.slice(0, at) : undefined;
}

/** A proxy setting without its credentials: `http://[redacted]@proxy:8080`. */
export function withoutCredentials(value: string): string {
  const userinfo = proxyUserinfo(value);
  if (!userinfo) return value;
  const at = value.lastIndexOf('@');
  const start = value.indexOf(userinfo);
  return `${value.slice(0, start)}${REDACTED}${value.slice(at)}`;
}
