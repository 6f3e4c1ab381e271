/**
 * What a pasted error text says, read the way a support engineer reads it: AADSTS codes, the ids support
 * asks for, the module version and edition from stack paths, the cmdlet, the cloud, HTTP statuses,
 * exception types, network codes. Robust to console line wrapping, PowerShell 7's `|` error view,
 * Windows PowerShell's `+ CategoryInfo` blocks and text copied from a browser.
 */
import type { EnvironmentName } from '../clouds.js';

export interface Signals {
  /** AADSTS numbers, in order of first appearance. */
  readonly aadsts: readonly number[];
  readonly correlationIds: readonly string[];
  readonly traceIds: readonly string[];
  readonly timestamps: readonly string[];
  /** From paths like `ExchangeOnlineManagement\3.4.0\netCore\…`. */
  readonly module?: { readonly version: string; readonly edition?: 'Desktop' | 'Core' };
  readonly cmdlets: readonly string[];
  /** The cloud the hosts in the text belong to, when they name one other than the worldwide cloud. */
  readonly cloud?: EnvironmentName;
  readonly httpStatuses: readonly number[];
  readonly exceptions: readonly string[];
  readonly networkCodes: readonly string[];
  /**
   * What shows the text comes from the retired MFA module (Connect-EXOPSSession, a ClickOnce app under
   * `%LOCALAPPDATA%\Apps\2.0`), quoted without the user's part of the path.
   */
  readonly mfaModule?: string;
}

/** The text three ways: as given (cleaned), with wrapping undone into spaces, and squashed for phrases. */
export interface PreparedText {
  /** One line per source line, PowerShell's continuation prefixes removed. */
  readonly lines: string;
  /** Whitespace collapsed to single spaces. */
  readonly spaced: string;
  /** The same, in lower case. */
  readonly lower: string;
  /** Lower case, no whitespace at all: a phrase wrapped mid-word still matches. */
  readonly squashed: string;
}

/** Words that mark a line worth reading in a long transcript (lower case). */
const HOT =
  /aadsts|error|exception|fail|denied|unauthori|refused|cannot|can't|could not|not recogni|timed out|timeout|invalid|proxy|certificate|ssl|tls|winrm|basic|msal|broker|wam|throttl|too many|\b(?:40[0137]|429|50[0234])\b|blocked|disabled|expired|not allowed|not supported|isn't supported|correlation|trace id|timestamp|categoryinfo|exopssession|no such host|resolve|forcibly|reset|canceled|cancelled|running scripts|signed|manifest|identity\.client|logon session|role assigned|consent|tenant|realm|ps(?:7|core)?session/g;

/** Above this size, only the lines around the words in {@link HOT} are read: the rest is noise. */
const FOCUS_ABOVE = 200_000;

/**
 * The lines of a long transcript that can hold an error (a hot word, with the line before and the three
 * after, which a console wrap or an error view continues onto), in order, each distinct line once.
 * Short texts are kept whole.
 */
export function focus(text: string): string {
  if (text.length <= FOCUS_ABOVE) return text;
  const lower = text.toLowerCase();
  const ranges: [number, number][] = [];
  HOT.lastIndex = 0;
  for (let m = HOT.exec(lower); m !== null; m = HOT.exec(lower)) {
    let start = lower.lastIndexOf('\n', m.index - 1);
    start = start < 0 ? 0 : lower.lastIndexOf('\n', start - 1) + 1;
    let end = m.index;
    for (let n = 0; n < 4 && end >= 0; n++) end = lower.indexOf('\n', end + 1);
    if (end < 0) end = lower.length;
    const last = ranges[ranges.length - 1];
    if (last && start <= last[1] + 1) last[1] = Math.max(last[1], end);
    else ranges.push([start, end]);
    HOT.lastIndex = end;
  }
  // A long paste repeats itself (retries, loops): each distinct line is read once, where it first
  // appears, so the wrap of its first occurrence stays next to it.
  const seen = new Set<string>();
  const kept: string[] = [];
  for (const [start, end] of ranges) {
    for (const line of text.slice(start, end).split('\n')) {
      if (seen.has(line)) continue;
      seen.add(line);
      kept.push(line);
    }
  }
  return kept.join('\n');
}

export function prepare(text: string): PreparedText {
  let lines = text;
  // Each clean-up pass runs only when the text needs it: a large transcript pays for what it contains.
  // Control characters other than tab and newline (a terminal's colours, NULs of a binary paste).
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed here
  if (/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(lines)) lines = lines.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g, '');
  if (lines.includes('\r')) lines = lines.replace(/\r\n?/g, '\n');
  // PowerShell 7's error view prefixes continuation lines with `|`; Windows PowerShell's error record
  // indents `+ CategoryInfo`, `+ FullyQualifiedErrorId` and the `+ ~~~~` underline.
  if (lines.includes('|')) lines = lines.replace(/^[ \t]*\|[ \t]?/gm, '');
  if (lines.includes('+')) lines = lines.replace(/^[ \t]*\+[ \t]+(?=[~A-Za-z])/gm, '');
  const spaced = lines.replace(/\s+/g, ' ');
  const lower = spaced.toLowerCase();
  return { lines, spaced, lower, squashed: lower.replaceAll(' ', '') };
}

/**
 * The longest plain run of characters a pattern cannot match without (outside groups, classes and
 * quantified atoms), in lower case: a pattern is only tried on text that contains it.
 */
export function requiredLiteral(pattern: RegExp): string | undefined {
  const source = pattern.source;
  const runs: string[] = [];
  let run = '';
  let depth = 0;
  let inClass = false;
  const flush = () => {
    runs.push(run);
    run = '';
  };
  for (let i = 0; i < source.length; i++) {
    const c = source[i] as string;
    const next = source[i + 1];
    if (inClass) {
      if (c === '\\') i++;
      else if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      flush();
    } else if (c === '(') {
      depth++;
      flush();
    } else if (c === ')') {
      depth--;
      flush();
      if (next === '?' || next === '*' || next === '{') i++;
    } else if (c === '|') {
      // An alternative at the top level: nothing is required.
      if (depth === 0) return undefined;
      flush();
    } else if (c === '\\') {
      const escaped = next ?? '';
      i++;
      if (depth === 0 && /[.\-'"/:()[\]$]/.test(escaped) && !/[?*{]/.test(source[i + 1] ?? '')) run += escaped;
      else flush();
    } else if (c === '{') {
      // A quantifier's bounds: skip them.
      while (i < source.length && source[i] !== '}') i++;
      flush();
    } else if (depth > 0 || /[.^$*+?}]/.test(c)) {
      flush();
    } else if (/[?*{]/.test(next ?? '')) {
      flush();
    } else {
      run += c;
    }
  }
  flush();
  const best = runs.sort((a, b) => b.length - a.length)[0];
  return best && best.trim().length >= 4 ? best.toLowerCase() : undefined;
}

const GUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const CONNECT_VERBS = 'Connect|Disconnect|Get|Set|New|Remove|Add|Import|Install|Update|Invoke|Enable|Disable|Test|Search|Start';

const CLOUD_HOSTS: readonly [RegExp, EnvironmentName][] = [
  [/webmail\.apps\.mil|outlook-dod\.office365\.us|dod-graph\.microsoft\.us/i, 'O365USGovDoD'],
  [/outlook\.office365\.us|login\.microsoftonline\.us|graph\.microsoft\.us|O365USGovGCCHigh/i, 'O365USGovGCCHigh'],
  [/partner\.outlook\.cn|login\.chinacloudapi\.cn|login\.partner\.microsoftonline\.cn|O365China/i, 'O365China'],
];

function distinct<T>(values: Iterable<T>, limit = 10): T[] {
  return [...new Set(values)].slice(0, limit);
}

/** The captures of a global pattern, stopping after 200 matches: a long log repeats itself. */
function all(text: string, pattern: RegExp, group = 1): string[] {
  const out: string[] = [];
  for (const match of text.matchAll(pattern)) {
    out.push(match[group] as string);
    if (out.length >= 200) break;
  }
  return out;
}

/** The module version and edition in a stack path (`ExchangeOnlineManagement\3.4.0\netCore\…`): the first one. */
function moduleOf(text: string): Signals['module'] {
  const match = /ExchangeOnlineManagement[\\/](\d+\.\d+\.\d+(?:-[A-Za-z0-9]+)?)[\\/](?:(netCore|netFramework)[\\/])?/i.exec(text);
  if (!match) return undefined;
  return { version: match[1] as string, ...(match[2] ? { edition: match[2].toLowerCase() === 'netcore' ? ('Core' as const) : ('Desktop' as const) } : {}) };
}

/** The signals of a prepared text; `whole` is the text before {@link focus}, for the module path. */
export function extractSignals(text: PreparedText, whole: string = text.lines): Signals {
  const { spaced } = text;
  const aadsts = distinct(
    [...spaced.matchAll(/AADSTS ?(\d{4,7})\b|"?error_codes"?\s*[:=]\s*\[\s*(\d{4,7})|\bError ?Code:? ?(\d{5,7})\b/gi)].slice(0, 200).map((m) => Number(m[1] ?? m[2] ?? m[3])),
  );
  const correlationIds = distinct(all(spaced, new RegExp(`correlation[ _-]?id"?\\s*[:=]?\\s*"?(${GUID})`, 'gi')).map((s) => s.toLowerCase()));
  const traceIds = distinct(all(spaced, new RegExp(`trace[ _-]?id"?\\s*[:=]?\\s*"?(${GUID})`, 'gi')).map((s) => s.toLowerCase()));
  const timestamps = distinct(all(spaced, /timestamp"?\s*[:=]?\s*"?(\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:\.\d+)?Z?)/gi));
  const module = moduleOf(whole);
  const cmdlets = distinct(all(spaced, new RegExp(`\\b((?:${CONNECT_VERBS})-(?:EXO|Exo|Exchange|IPPS|Mailbox|Mg|Organization|User|Recipient|Role|Management|Accepted|Transport|Module|PSSession|CASMailbox)[A-Za-z]*)\\b`, 'g')), 5);
  const cloud = CLOUD_HOSTS.find(([pattern]) => pattern.test(spaced))?.[1];
  const httpStatuses = distinct(
    [
      ...all(spaced, /returned an error: \((\d{3})\)/gi),
      ...all(spaced, /\b(?:status(?: ?code)?|HTTP(?:\/\d(?:\.\d)?)?)"?\s*[:=]?\s*(\d{3})\b/gi),
      ...all(spaced, /\b([45]\d\d) (?:\(?)(?:Unauthorized|Forbidden|Not Found|Too Many Requests|Proxy Authentication Required|Internal Server Error|Bad Gateway|Service Unavailable|Gateway Time-?out|Bad Request)/gi),
      ...all(spaced, /\((407|429|401|403|500|502|503|504)\)/g),
    ]
      .map(Number)
      .filter((n) => n >= 100 && n <= 599),
  );
  const exceptions = distinct(all(spaced, /\b((?:[A-Z][A-Za-z0-9]*\.)*[A-Z][A-Za-z0-9]*(?:Exception|Error))\b(?=[:\s,)]|$)/g).filter((e) => /Exception$|^[A-Z]\w+\.\w+Error$/.test(e)), 5);
  const networkCodes = distinct(all(spaced, /\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EPROTO|UND_ERR_[A-Z_]+|CERT_[A-Z_]+|UNABLE_TO_[A-Z_]+|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|ERR_TLS_[A-Z_]+)\b/g));
  const mfaModule = mfaModuleOf(text);
  return {
    aadsts,
    correlationIds,
    traceIds,
    timestamps,
    ...(module ? { module } : {}),
    cmdlets,
    ...(cloud ? { cloud } : {}),
    httpStatuses,
    exceptions,
    networkCodes,
    ...(mfaModule ? { mfaModule } : {}),
  };
}

/** The MFA module's own script, its ClickOnce folder or its connect command; console wrapping does not matter. */
function mfaModuleOf(text: PreparedText): string | undefined {
  if (/\\apps\\2\.0\\.*createexopssession\.ps1/.test(text.squashed)) return '\\Apps\\2.0\\…\\CreateExoPSSession.ps1';
  if (text.squashed.includes('createexopssession.ps1')) return 'CreateExoPSSession.ps1';
  if (/micr\.\.tion_[0-9a-f]{16}_/.test(text.squashed)) return '\\Apps\\2.0\\…\\micr..tion_…';
  if (text.squashed.includes('connect-exopssession')) return 'Connect-EXOPSSession';
  if (text.squashed.includes('microsoft.exchange.management.exopowershellmodule')) return 'Microsoft.Exchange.Management.ExoPowershellModule';
  return undefined;
}

/** The signals found, in words (`AADSTS50076`, `HTTP 407`, `module 2.0.5 (Windows PowerShell 5.1)`). */
export function describeSignals(signals: Signals): string[] {
  return [
    ...signals.aadsts.map((code) => `AADSTS${code}`),
    ...signals.httpStatuses.map((status) => `HTTP ${status}`),
    ...signals.networkCodes,
    ...signals.exceptions,
    ...(signals.mfaModule ? ['the retired MFA module'] : []),
    ...(signals.module ? [`module ${signals.module.version}${signals.module.edition ? ` (${signals.module.edition === 'Core' ? 'PowerShell 7' : 'Windows PowerShell 5.1'})` : ''}`] : []),
    ...signals.cmdlets,
    ...(signals.cloud ? [`cloud ${signals.cloud}`] : []),
    ...signals.correlationIds.map((id) => `correlation id ${id}`),
    ...signals.traceIds.map((id) => `trace id ${id}`),
    ...signals.timestamps.map((t) => `timestamp ${t}`),
  ];
}
