/**
 * `exo-doctor explain`: from a pasted error to ranked causes. Every AADSTS code found is a candidate from
 * the AADSTS table; every known error whose text appears is another (src/knowledge/errors.ts). Each is
 * scored by how likely its cause is for that text, raised by the phrases that single it out and by what
 * the text says about the path (legacy module or current one); the best three are returned with what
 * matched, the fix and the checks that would confirm them. Text that matches nothing is said to be not
 * recognised, with what to collect next: never a guess dressed as an answer.
 */
import { AADSTS, type AadstsEntry, type Category, describeAadsts } from '../knowledge/aadsts.js';
import { CATEGORY_ADVICE } from '../knowledge/category-advice.js';
import { CATEGORY_CHECKS, KNOWN_ERRORS, type KnownError, MFA_MODULE_NOTICE, type Signal } from '../knowledge/errors.js';
import { fillIn, type Identifiers, remediationOf } from '../knowledge/fixes.js';
import { Redactor } from '../redact.js';
import { fix, type Remediation } from '../result.js';
import { TRAIN_CORPUS } from './corpus.generated.js';
import { entraTexts } from './entra-text.js';
import { type CorpusItem, type Neighbour, SimilarityIndex } from './similar.js';
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
  /** The account, tenant and application the text names, as filled into the fixes. */
  readonly identifiers: Identifiers;
  /** The connection the text comes from: Connect-IPPSSession's (`compliance`) or Connect-ExchangeOnline's. */
  readonly service: 'exchange' | 'compliance';
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

/**
 * Codes that wrap the one that says why. ADAL and older Entra answers read "AADSTS70002: Error
 * validating credentials. AADSTS50126: Invalid username or password" (or 50055, 50076, 50079…), and the
 * reference describes 50012, 50013 and 50027 as failing "for one of the following reasons", the reason
 * being the message that follows ("Client assertion is not within its valid time range"). With another
 * code in the text, by its number or by its message, the wrapper yields to it.
 */
const ENVELOPES = new Set([70002, 50012, 50013, 50027]);

const LEGACY_HINTS = ['new-exopssession', 'connect-exopssession', 'createexopssession', 'userpssession', '-userpssession', 'microsoft.exchange.management.exoppowershellmodule', 'exopowershellmodule', 'wsman', 'winrm'];

/**
 * How the two signals are weighed: a cause a rule names gains up to `agree` times the similarity of the
 * nearest known case of its category; a category only the similarity names scores `alone` times it;
 * below `abstain`, the doctor says it does not recognise the text, and gives what it has as
 * alternatives. Chosen (2026-12-05) on `train` and on the four fresh rounds of train items, each
 * measured at the commit before any rule learned from it (95 items the rules had not seen): of the
 * settings tried, this one lost nothing on `train` (196/215 of 243 top-1/top-3) and gained most on the
 * fresh rounds (43/70 → 47/72 of 95) over the earlier 0.15/0.5/0.3. The threshold was lowered from 0.3
 * to 0.25 with three later rounds (52 items, measured before anything learned from them): 31/42 → 34/42
 * of 52 on them, 219/243 → 218/242 of 269 on `train`; most of what it gains are module errors that
 * were "not recognised" with the right cause second. A tenth round (17 items, measured the same way)
 * showed the same and took it to 0.15 (8/12 → 11/12 on it, 34/42 → 35/41 on the three before,
 * 260/288 → 261/288 of 321 on `train`), but so low a threshold let generic text ("An error occurred.",
 * "Something went wrong. Please try again later.") be recognised by its common words: a cause only the
 * similarity names now also needs three rare words in common with its case (RECOGNISED_BY_WORDS), which
 * keeps the gains (270/301 → 274/302 of 338 on `train`; nothing lost on the tenth round) and recognises
 * none of 12 generic texts that rules do not know.
 */
interface Tuning {
  readonly agree: number;
  readonly alone: number;
  readonly abstain: number;
}

/** The rare words a known case must share with the text for the similarity alone to recognise it. */
const RECOGNISED_BY_WORDS = 3;

/** A rule's score from which it decides alone (the confidence called high). */
const STRONG = 0.75;

const TUNING: Tuning = { agree: 0.3, alone: 0.7, abstain: 0.15 };

/**
 * The score of an AADSTS error recognised by its message alone: one with the doctor's own entry, one
 * known only from Microsoft's reference.
 */
const AADSTS_TEXT = { known: 0.8, reference: 0.6 } as const;

/** The score of the other reading a code is known to have (its `also`). */
const RUNNER_UP = 0.55;

export interface ExplainOptions {
  /** Known cases to leave out of the comparison: an evaluation leaves out the thread it asks about. */
  readonly exclude?: (item: CorpusItem) => boolean;
  readonly tuning?: Tuning;
}

let index: SimilarityIndex | undefined;

/** Explains a text. Pure and synchronous: nothing leaves the process. */
export function explain(raw: string, options: ExplainOptions = {}): Explanation {
  const tuning = options.tuning ?? TUNING;
  // Secrets go before anything is read, so no quote can cut a label from its value.
  const redactor = new Redactor(true);
  const text = redactor.removeSecrets(raw);
  const focused = focus(text);
  const prepared = prepare(focused);
  const signals = extractSignals(prepared, text);
  const legacyHints = LEGACY_HINTS.some((hint) => prepared.squashed.includes(hint)) || (signals.module !== undefined && majorOf(signals.module.version) < 3);
  const currentModule = signals.module !== undefined && majorOf(signals.module.version) >= 3;

  const candidates: ExplainedCause[] = [];
  // Entra's words, with or without their code: they can name the reason a wrapping code leaves open.
  const texts = entraTexts(prepared.spaced);
  const named = new Set([...signals.aadsts, ...texts.map((found) => found.code)]);
  signals.aadsts.forEach((code, index) => {
    const entry = describeAadsts(code);
    const known = entry.name !== `AADSTS${code}`;
    const envelope = ENVELOPES.has(code) && [...named].some((other) => other !== code);
    const score = entry.benign ? 0.05 : envelope ? 0.5 : Math.max(0.5, (known ? 0.92 : 0.6) - index * 0.04);
    const matched = quote(prepared, new RegExp(`AADSTS ?${code}`, 'i'));
    candidates.push(fromAadsts(entry, score, matched));
    if (entry.also && entry.also !== 'other' && !entry.benign) candidates.push(otherReading(entry, entry.also, matched));
  });
  // Entra's words without their code: a little less sure than the code itself.
  for (const found of texts) {
    if (signals.aadsts.includes(found.code)) continue;
    const entry = describeAadsts(found.code);
    if (entry.benign) continue;
    candidates.push(fromAadsts(entry, AADSTS_TEXT[AADSTS[found.code] ? 'known' : 'reference'], around(prepared.spaced, found.start, found.end - found.start)));
  }

  for (const error of KNOWN_ERRORS) {
    if (error.context && !error.context.some((signal) => find(prepared, signal) !== undefined)) continue;
    const hits = error.signals.map((signal) => find(prepared, signal)).filter((hit): hit is Hit => hit !== undefined);
    if (hits.length === 0) continue;
    const boosts = (error.boost ?? []).filter((signal) => find(prepared, signal) !== undefined).length;
    let score = error.likelihood + 0.12 * Math.min(boosts, 2) + 0.04 * Math.min(hits.length - 1, 2);
    if (error.legacy && currentModule && !legacyHints) score -= 0.2;
    if (error.legacy && legacyHints) score += 0.08;
    candidates.push(fromKnown(error, Math.min(score, 0.99), [...new Set(hits.map((hit) => hit.quote))].slice(0, 2)));
  }

  // The second signal: the known cases this text resembles most, one per category.
  const neighbours = (index ??= new SimilarityIndex(TRAIN_CORPUS)).nearest(focused, options.exclude);
  const nearest = new Map(neighbours.map((n) => [n.category, n]));
  // Rules that fire strongly decide; the similarity orders the rest, never past a strong one.
  const scored = candidates.map((c) => (c.score >= STRONG ? c : rescore(c, Math.min(STRONG - 0.01, c.score + tuning.agree * (nearest.get(c.category)?.similarity ?? 0)))));
  for (const n of neighbours.slice(0, 3)) {
    if (n.category !== 'other' && !scored.some((c) => c.category === n.category)) scored.push(fromNeighbour(n, tuning.alone * n.similarity));
  }

  // The best cause of each category: three different readings say more than three of one.
  const ranked = scored
    .filter((c) => c.score > 0.05)
    .sort((a, b) => b.score - a.score)
    .filter((c, i, list) => list.findIndex((other) => other.category === c.category) === i)
    .slice(0, 3);
  // A network failure seldom says which part of the path refused it: where fewer than three causes
  // came up, the other parts that often turn out to be the cause fill the list.
  for (const category of (ranked[0] && ranked[0].score >= STRONG / 2 ? NETWORK_RUNNER_UPS[ranked[0].category] : undefined) ?? []) {
    if (ranked.length < 3 && !ranked.some((c) => c.category === category)) ranked.push(networkReading(category));
  }
  // Up to three causes: the places no rule took go to the other known cases the text resembles.
  for (const n of neighbours) {
    if (ranked.length >= 3) break;
    if (n.category !== 'other' && !ranked.some((c) => c.category === n.category)) ranked.push(fromNeighbour(n, tuning.alone * n.similarity));
  }
  // The fixes name the account, tenant and app the text names, when it names them; a Security &
  // Compliance error is confirmed by the compliance leg's checks.
  const found = identifiersIn(prepared.spaced);
  const service = COMPLIANCE_HINTS.test(prepared.lower) ? 'compliance' : 'exchange';
  const filled = (cause: ExplainedCause): ExplainedCause => ({ ...cause, fix: fillIn(cause.fix, found), checks: service === 'compliance' ? forCompliance(cause.checks) : cause.checks });
  const notice = signals.mfaModule ? { notice: { ...MFA_MODULE_NOTICE, matched: signals.mfaModule, fix: fillIn(MFA_MODULE_NOTICE.fix, found) } } : {};
  const best = ranked[0];
  // A cause only the similarity names recognises the text when the case it resembles shares words that
  // are rare among the known cases: "Something went wrong, try again later" resembles a lockout page in
  // its common words only.
  const resembled = best?.id.startsWith('similar-') ? nearest.get(best.category) : undefined;
  if (!best || best.score < tuning.abstain || (resembled && resembled.distinctive < RECOGNISED_BY_WORDS)) return { signals, identifiers: found, service, ...notice, causes: [NOT_RECOGNISED, ...ranked.slice(0, 2)].map(filled), recognised: false };
  return { signals, identifiers: found, service, ...notice, causes: ranked.map(filled), recognised: true };
}

/**
 * What a network failure of one kind often turns out to be instead, most likely first: a name that does
 * not resolve where only the proxy resolves names; a connection cut by a proxy that was not used, or by
 * TLS inspection; a certificate replaced by a proxy; a proxy error that is the firewall's.
 */
const NETWORK_RUNNER_UPS: Partial<Record<Category, readonly Exclude<Category, 'other'>[]>> = {
  dns: ['proxy', 'network_blocked'],
  network_blocked: ['proxy', 'tls_interception'],
  tls_interception: ['proxy', 'network_blocked'],
  proxy: ['network_blocked', 'tls_interception'],
};

/** The score of a network runner-up: it only fills places no rule or known case took. */
const NETWORK_RUNNER_UP = 0.06;

function networkReading(category: Exclude<Category, 'other'>): ExplainedCause {
  return fromAdvice(category, `network-${category}`, NETWORK_RUNNER_UP, {
    matched: [],
    why: 'Network failures seldom say which part of the path caused them; this is the other part that most often turns out to be the cause of one like it.',
  });
}

/** The runner-up reading of a code that is often of another category: that category's general advice. */
function otherReading(entry: AadstsEntry, category: Exclude<Category, 'other'>, matched: string | undefined): ExplainedCause {
  return fromAdvice(category, `aadsts-${entry.code}-as-${category}`, RUNNER_UP, {
    title: `AADSTS${entry.code}, read as: ${CATEGORY_ADVICE[category].title}`,
    matched: matched ? [matched] : [`AADSTS${entry.code}`],
    why: `The same code often has another cause: ${CATEGORY_ADVICE[category].title}.`,
    link: entry.link,
  });
}

function rescore(cause: ExplainedCause, score: number): ExplainedCause {
  return { ...cause, score, confidence: confidenceOf(score) };
}

/** A cause only the similarity names: the category's general advice, with the case it resembles. */
function fromNeighbour(n: Neighbour, score: number): ExplainedCause {
  const category = n.category as Exclude<Category, 'other'>;
  return fromAdvice(category, `similar-${category}`, score, {
    matched: [`resembles a known case (${n.item.file}, ${Math.round(n.similarity * 100)} % similar)`],
    why: `No rule names this error, but it resembles a case whose cause was established: ${n.item.cause}`,
    link: n.item.source,
  });
}

/** A cause that is a category's general advice (../knowledge/category-advice.ts), for what no entry of its own names. */
function fromAdvice(
  category: Exclude<Category, 'other'>,
  id: string,
  score: number,
  said: { readonly matched: readonly string[]; readonly why: string; readonly title?: string; readonly link?: string },
): ExplainedCause {
  const advice = CATEGORY_ADVICE[category];
  return {
    id,
    category,
    title: said.title ?? advice.title,
    confidence: confidenceOf(score),
    score,
    matched: said.matched,
    why: said.why,
    fix: remediationOf(advice.fix),
    checks: CATEGORY_CHECKS[category],
    ...(said.link ? { link: said.link } : {}),
    legacy: false,
  };
}

/** The account, tenant and application the text names, for the fixes. */
function identifiersIn(text: string): Identifiers {
  const upn = accountIn(text);
  const onmicrosoft = /\b([a-z0-9-]+\.onmicrosoft\.(?:com|us|de|cn))\b/i.exec(text)?.[1];
  const guid = '([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})';
  const tenantId = new RegExp(`\\b(?:tenant(?:[ _-]?id)?|directory|organization)['"]?\\s*[:=]?\\s*['"]?${guid}`, 'i').exec(text)?.[1] ?? new RegExp(`login\\.microsoftonline\\.(?:com|us)/${guid}`, 'i').exec(text)?.[1];
  const appId = new RegExp(`\\b(?:app(?:lication)?[ _-]?id|client[ _-]?id|appid)['"]?\\s*[:=]?\\s*['"]?${guid}`, 'i').exec(text)?.[1] ?? new RegExp(`\\bapplication(?: with identifier)? '?${guid}`, 'i').exec(text)?.[1];
  const tenant = onmicrosoft ?? (upn ? upn.slice(upn.indexOf('@') + 1) : undefined);
  return { ...(upn ? { upn } : {}), ...(tenant ? { tenant } : {}), ...(tenantId ? { tenantId } : {}), ...(appId ? { appId } : {}) };
}

/** Text from a Security & Compliance PowerShell connection. */
const COMPLIANCE_HINTS = /connect-ippssession|ippssession|compliance\.protection\.(?:outlook|office365|partner)|-enablesearchonlysession/;

/** The compliance leg's checks that confirm what these Exchange checks would for Connect-ExchangeOnline. */
const COMPLIANCE_EQUIVALENT: Readonly<Record<string, readonly string[]>> = {
  'exo-token': ['compliance-token'],
  'exo-connection': ['compliance-connection'],
  'exo-user-access': ['compliance-connection'],
  'exo-roles': ['compliance-connection'],
  'module-versions': ['module-versions', 'compliance-client'],
  'winrm-basic': ['compliance-client'],
};

function forCompliance(checks: readonly string[]): readonly string[] {
  return [...new Set(checks.flatMap((id) => COMPLIANCE_EQUIVALENT[id] ?? [id]))];
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
  return score >= STRONG ? 'high' : score >= 0.5 ? 'medium' : 'low';
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
