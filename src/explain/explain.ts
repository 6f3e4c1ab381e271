/**
 * `exo-doctor explain`: from a pasted error to ranked causes. Every AADSTS code found is a candidate from
 * the AADSTS table; every known error whose text appears is another (src/knowledge/errors.ts). Each is
 * scored by how likely its cause is for that text, raised by the phrases that single it out and by what
 * the text says about the path (legacy module or current one); the best three are returned with what
 * matched, the fix and the checks that would confirm them. Text that matches nothing is said to be not
 * recognised, with what to collect next: never a guess dressed as an answer.
 */
import { type AadstsEntry, type Category, describeAadsts } from '../knowledge/aadsts.js';
import { CATEGORY_CHECKS, KNOWN_ERRORS, type KnownError, MFA_MODULE_NOTICE, type Signal } from '../knowledge/errors.js';
import { forAccount } from '../knowledge/fixes.js';
import { Redactor } from '../redact.js';
import { fix, type Remediation } from '../result.js';
import { extractSignals, focus, prepare, type PreparedText, requiredLiteral, type Signals } from './signals.js';

export type Confidence = 'high' | 'medium' | 'low';

interface ExplainedCause {
  readonly id: string;
  readonly category: Category;
  readonly title: string;
  readonly confidence: Confidence;
  /** 0 to 1; for ranking and for tests, not for display. */
  readonly score: number;
  /** What in the text pointed here (redacted quotes). */
  readonly matched: readonly string[];
  readonly why: string;
  readonly fix: Remediation;
  /** Checks that confirm or rule the cause out. */
  readonly checks: readonly string[];
  readonly link?: string;
  readonly legacy: boolean;
}

/** A fact about the path the text comes from, said before the causes (the retired MFA module). */
interface PathNotice {
  readonly id: string;
  readonly title: string;
  readonly matched: string;
  readonly why: string;
  readonly fix: Remediation;
  readonly checks: readonly string[];
}

export interface Explanation {
  readonly signals: Signals;
  readonly notice?: PathNotice;
  /** At most three, best first; one `other` cause when nothing was recognised. */
  readonly causes: readonly ExplainedCause[];
  readonly recognised: boolean;
}

/** What to collect when the text says nothing the doctor knows. */
const NOT_RECOGNISED: ExplainedCause = {
  id: 'not-recognised',
  category: 'other',
  title: 'Not recognised: the text names no error the doctor knows',
  confidence: 'low',
  score: 0,
  matched: [],
  why: 'No AADSTS code, module message, HTTP status or network error the doctor knows appears in the text. Rather than guess, collect the full error and run the checks.',
  fix: fix({
    summary: 'Capture the whole error record (with -Verbose), then run the full diagnosis for the account.',
    runBy: 'admin',
    commands: ['Connect-ExchangeOnline -UserPrincipalName <upn> -Verbose', '$Error[0] | Format-List * -Force', 'exo-doctor --upn <upn>'],
  }),
  checks: [],
  legacy: false,
};

const LEGACY_HINTS = ['new-exopssession', 'connect-exopssession', 'createexopssession', 'userpssession', '-userpssession', 'microsoft.exchange.management.exoppowershellmodule', 'exopowershellmodule', 'wsman', 'winrm'];

/** Explains a text. Pure and synchronous: nothing leaves the process. */
export function explain(raw: string): Explanation {
  // Secrets go before anything is read, so no quote can cut a label from its value.
  const redactor = new Redactor(true);
  const text = redactor.removeSecrets(raw);
  const prepared = prepare(focus(text));
  const signals = extractSignals(prepared, text);
  const legacyHints = LEGACY_HINTS.some((hint) => prepared.squashed.includes(hint)) || (signals.module !== undefined && majorOf(signals.module.version) < 3);
  const currentModule = signals.module !== undefined && majorOf(signals.module.version) >= 3;

  const candidates: ExplainedCause[] = [];
  signals.aadsts.forEach((code, index) => {
    const entry = describeAadsts(code);
    const known = entry.name !== `AADSTS${code}`;
    const score = entry.benign ? 0.05 : Math.max(0.5, (known ? 0.92 : 0.6) - index * 0.04);
    candidates.push(fromAadsts(entry, score, quote(prepared, new RegExp(`AADSTS ?${code}`, 'i'))));
  });

  for (const error of KNOWN_ERRORS) {
    if (error.context && !error.context.some((signal) => find(prepared, signal) !== undefined)) continue;
    const hits = error.signals.map((signal) => find(prepared, signal)).filter((hit): hit is Hit => hit !== undefined);
    if (hits.length === 0) continue;
    const boosts = (error.boost ?? []).filter((signal) => find(prepared, signal) !== undefined).length;
    let score = error.likelihood + 0.12 * Math.min(boosts, 2) + 0.04 * Math.min(hits.length - 1, 2);
    if (error.legacy && currentModule && !legacyHints) score -= 0.2;
    if (error.legacy && legacyHints) score += 0.08;
    candidates.push(fromKnown(error, Math.min(score, 0.99), hits.slice(0, 2).map((hit) => hit.quote)));
  }

  const ranked = candidates
    .filter((c) => c.score > 0.05)
    .sort((a, b) => b.score - a.score)
    .filter((c, i, list) => list.findIndex((other) => other.id === c.id) === i)
    .slice(0, 3);
  // The fixes name the account the text names, when it names one.
  const upn = accountIn(prepared.spaced);
  const filled = (cause: ExplainedCause): ExplainedCause => ({ ...cause, fix: forAccount(cause.fix, upn) });
  const notice = signals.mfaModule ? { notice: { ...MFA_MODULE_NOTICE, matched: signals.mfaModule, fix: forAccount(MFA_MODULE_NOTICE.fix, upn) } } : {};
  if (ranked.length === 0) return { signals, ...notice, causes: [filled(NOT_RECOGNISED)], recognised: false };
  return { signals, ...notice, causes: ranked.map(filled), recognised: true };
}

/** The first user principal name in the text that is not a service or placeholder address. */
function accountIn(text: string): string | undefined {
  for (const [address] of text.matchAll(/\b[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+\b/g)) {
    if (/^(?:SystemMailbox|noreply|no-reply|DiscoverySearchMailbox)/i.test(address) || /@(?:microsoft|microsoftonline|outlook|office365)\.com$/i.test(address)) continue;
    return address;
  }
  return undefined;
}

function majorOf(version: string): number {
  return Number(version.split('.')[0]);
}

function confidenceOf(score: number): Confidence {
  return score >= 0.75 ? 'high' : score >= 0.45 ? 'medium' : 'low';
}

function fromAadsts(entry: AadstsEntry, score: number, matched: string | undefined): ExplainedCause {
  return {
    id: `aadsts-${entry.code}`,
    category: entry.category,
    title: `AADSTS${entry.code} ${entry.name}: ${entry.meaning}`,
    confidence: confidenceOf(score),
    score,
    matched: matched ? [matched] : [`AADSTS${entry.code}`],
    why: entry.cause,
    fix: entry.fix,
    checks: CATEGORY_CHECKS[entry.category],
    link: entry.link,
    legacy: false,
  };
}

function fromKnown(error: KnownError, score: number, matched: readonly string[]): ExplainedCause {
  return {
    id: error.id,
    category: error.category,
    title: error.title,
    confidence: confidenceOf(score),
    score,
    matched,
    why: error.why,
    fix: error.fix,
    checks: error.checks.length > 0 ? error.checks : CATEGORY_CHECKS[error.category],
    link: error.link,
    legacy: error.legacy,
  };
}

interface Hit {
  readonly quote: string;
}

/** Finds a signal: a phrase in the squashed text, a pattern in the spaced text. */
function find(text: PreparedText, signal: Signal): Hit | undefined {
  if (typeof signal === 'string') {
    const squashed = signal.replace(/\s+/g, '').toLowerCase();
    const at = text.squashed.indexOf(squashed);
    if (at < 0) return undefined;
    // Quote it from the spaced text when it appears there as written, else as the phrase itself.
    const spacedAt = text.lower.indexOf(signal.toLowerCase());
    return { quote: spacedAt >= 0 ? around(text.spaced, spacedAt, signal.length) : signal };
  }
  const literal = literalOf(signal);
  if (literal !== undefined && !text.lower.includes(literal)) return undefined;
  const match = signal.exec(text.spaced);
  return match ? { quote: around(text.spaced, match.index, match[0].length) } : undefined;
}

const literals = new WeakMap<RegExp, string | null>();

function literalOf(pattern: RegExp): string | undefined {
  let literal = literals.get(pattern);
  if (literal === undefined) {
    literal = requiredLiteral(pattern) ?? null;
    literals.set(pattern, literal);
  }
  return literal ?? undefined;
}

function quote(text: PreparedText, pattern: RegExp): string | undefined {
  const match = pattern.exec(text.spaced);
  return match ? around(text.spaced, match.index, match[0].length + 110) : undefined;
}

/** The match with a little context, cut at word boundaries, at most about 160 characters. */
function around(text: string, at: number, length: number): string {
  const start = Math.max(0, at - 30);
  const end = Math.min(text.length, at + Math.min(length, 130) + 20);
  const head = start > 0 ? `…${text.slice(start, end).replace(/^\S*\s/, '')}` : text.slice(start, end);
  return end < text.length ? `${head.replace(/\s\S*$/, '')}…` : head;
}
