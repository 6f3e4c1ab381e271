/**
 * A module manifest's version, read from the text of its `.psd1` without running PowerShell. Pure: text
 * in, data out.
 *
 * A manifest is a PowerShell hashtable literal. The version is the top-level `ModuleVersion`, and a
 * preview adds `PrivateData.PSData.Prerelease` (`3.8.0` + `Preview1` = `3.8.0-Preview1`, the form
 * `Install-Module -RequiredVersion` takes). The same key names also occur nested, where they mean other
 * things: `RequiredModules = @(@{ ModuleName = 'PowerShellGet'; ModuleVersion = '1.0.0.1' })` in
 * ExchangeOnlineManagement 3.x, and a commented-out `# Prerelease = ''` in every manifest made by
 * `New-ModuleManifest` (Az.Accounts, Microsoft.Graph.Authentication). So the text is tokenized (comments,
 * `'…'`/`"…"` strings, here-strings, braces) and only keys at those exact places count.
 *
 * Encodings seen in real module folders: UTF-8 without BOM (ExchangeOnlineManagement ≤ 3.5.0), UTF-8 with
 * BOM, and UTF-16LE with BOM and CRLF (ExchangeOnlineManagement 3.7.2 and 3.9.0 as installed by
 * PowerShellGet; see fixtures/powershell/README.md). A reader that decoded UTF-16 as UTF-8 hands over the
 * text with a NUL after every ASCII character; {@link manifestText} undoes that.
 */

/** What a manifest says about its version. */
export interface ManifestVersion {
  /** `ModuleVersion`, as written (`3.7.2`, `1.0.0.1`). */
  readonly moduleVersion?: string;
  /** `PrivateData.PSData.Prerelease` when set and not empty (`Preview1`). */
  readonly prerelease?: string;
}

/**
 * The manifest's text with encoding damage undone: a BOM dropped, and UTF-16 read as UTF-8 (a NUL beside
 * every ASCII character) turned back into text. Keys and versions are ASCII, so that is all they need.
 */
export function manifestText(raw: string): string {
  let text = raw;
  if (text.includes('\u0000')) {
    // UTF-16LE/BE bytes decoded as UTF-8: the BOM became U+FFFD, every ASCII character gained a NUL.
    text = text.split('\u0000').join('').replace(/^\uFFFD+/, '');
  }
  return text.replace(/^\uFEFF/, '');
}

type Token =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'word'; readonly value: string }
  | { readonly kind: 'open'; readonly value: '@{' | '{' | '(' | '@(' }
  | { readonly kind: 'close' }
  | { readonly kind: 'equals' }
  | { readonly kind: 'separator' };

/** Splits PowerShell data-file text into the tokens a hashtable walk needs; everything else is skipped. */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const at = (offset = 0) => text[i + offset] ?? '';
  while (i < text.length) {
    const c = at();
    if (c === '<' && at(1) === '#') {
      const end = text.indexOf('#>', i + 2);
      i = end < 0 ? text.length : end + 2;
    } else if (c === '#') {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end + 1;
    } else if (c === '@' && (at(1) === "'" || at(1) === '"') && /^\r?\n/.test(text.slice(i + 2, i + 4))) {
      // Here-string: runs to a line that starts with the closing quote and @.
      const quote = at(1);
      const close = new RegExp(`\\r?\\n${quote}@`, 'g');
      close.lastIndex = i + 2;
      const match = close.exec(text);
      const start = text.indexOf('\n', i) + 1;
      tokens.push({ kind: 'string', value: text.slice(start, match ? match.index : text.length) });
      i = match ? match.index + match[0].length : text.length;
    } else if (c === "'" || c === '"') {
      const [value, next] = readQuoted(text, i);
      tokens.push({ kind: 'string', value });
      i = next;
    } else if (c === '@' && (at(1) === '{' || at(1) === '(')) {
      tokens.push({ kind: 'open', value: at(1) === '{' ? '@{' : '@(' });
      i += 2;
    } else if (c === '{' || c === '(') {
      tokens.push({ kind: 'open', value: c });
      i++;
    } else if (c === '}' || c === ')') {
      tokens.push({ kind: 'close' });
      i++;
    } else if (c === '=') {
      tokens.push({ kind: 'equals' });
      i++;
    } else if (c === ';' || c === '\n' || c === ',') {
      tokens.push({ kind: 'separator' });
      i++;
    } else if (/[A-Za-z0-9_.$-]/.test(c)) {
      const match = /^[A-Za-z0-9_.$-]+/.exec(text.slice(i, i + 200))!;
      tokens.push({ kind: 'word', value: match[0] });
      i += match[0].length;
    } else {
      i++;
    }
  }
  return tokens;
}

/** A `'…'` string (`''` is a quote) or a `"…"` string (`""` or a backtick escapes). */
function readQuoted(text: string, start: number): [string, number] {
  const quote = text[start]!;
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const c = text[i]!;
    if (quote === '"' && c === '`' && i + 1 < text.length) {
      value += text[i + 1];
      i += 2;
    } else if (c === quote && text[i + 1] === quote) {
      value += quote;
      i += 2;
    } else if (c === quote) {
      return [value, i + 1];
    } else {
      value += c;
      i++;
    }
  }
  return [value, i];
}

/** Where a key sits: the names of the enclosing hashtables, outermost first; `null` for anything else. */
type Frame = string | null;

/**
 * `ModuleVersion` (top level) and `PrivateData.PSData.Prerelease` of a manifest. Keys are matched
 * case-insensitively, as PowerShell does. Returns what it found; both absent when the text is not a
 * manifest.
 */
export function readManifestVersion(raw: string): ManifestVersion {
  const tokens = tokenize(manifestText(raw));
  const stack: Frame[] = [];
  let moduleVersion: string | undefined;
  let prerelease: string | undefined;
  // The key whose value comes next, when the innermost frame is a hashtable.
  let pendingKey: string | undefined;
  const path = () => stack.map((f) => f ?? '?').join('.');

  for (let t = 0; t < tokens.length; t++) {
    const token = tokens[t]!;
    const inHashtable = stack.length > 0 && stack[stack.length - 1] !== null;
    if (token.kind === 'open') {
      // A hashtable gets its key's name (the root has ''); any other bracket is an anonymous frame.
      stack.push(token.value === '@{' ? (pendingKey ?? (stack.length === 0 ? '' : '?')).toLowerCase() : null);
      pendingKey = undefined;
      continue;
    }
    if (token.kind === 'close') {
      stack.pop();
      pendingKey = undefined;
      continue;
    }
    if (pendingKey !== undefined && (token.kind === 'string' || token.kind === 'word')) {
      const key = pendingKey.toLowerCase();
      if (path() === '' && key === 'moduleversion') moduleVersion ??= token.value.trim();
      if (path() === '.privatedata.psdata' && key === 'prerelease') prerelease ??= token.value.trim();
      pendingKey = undefined;
      continue;
    }
    if (inHashtable && (token.kind === 'word' || token.kind === 'string') && tokens[t + 1]?.kind === 'equals') {
      pendingKey = token.value;
      t++;
      continue;
    }
    if (token.kind === 'separator') continue;
    pendingKey = undefined;
  }
  return {
    ...(moduleVersion ? { moduleVersion } : {}),
    ...(prerelease ? { prerelease } : {}),
  };
}
