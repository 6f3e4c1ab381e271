#!/usr/bin/env node
// How long `exo-doctor explain` takes on a 1 MB transcript. Goal (issue 7): under 100 ms.
// Two shapes of 1 MB: a verbose console log with the errors at the end (the usual paste), and 1 MB made
// only of real error transcripts from fixtures/transcripts/ (every line worth reading), as repeated
// pastes and, the worst case, with every copy stamped differently so that nothing can be read once.
// Prints the median of 9 runs after 3 warm-up runs. Usage: node bench/explain.mjs
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { buildHarness } from './build-harness.mjs';
import { figure, isMain, printFigures } from './lib.mjs';

export async function explainBench() {
  const { outfile } = await buildHarness('explain');
  const { explain } = await import(outfile);
  const dir = new URL('../fixtures/transcripts/', import.meta.url);
  let transcripts = [];
  try {
    transcripts = readdirSync(dir)
      .filter((f) => f.endsWith('.txt'))
      .sort()
      .map((f) => readFileSync(new URL(f, dir), 'utf8'));
  } catch {
    // No corpus: fall back to one error.
  }
  if (transcripts.length === 0) transcripts = ['New-ExoPSSession : Create Powershell Session is failed using OAuth\n'];

  const MB = 1024 * 1024;
  const verbose = [
    'VERBOSE: Importing cmdlet \'Get-EXOMailbox\'.',
    'VERBOSE: Loading module from path \'C:\\Program Files\\WindowsPowerShell\\Modules\\PackageManagement\\1.4.8.1\\PackageManagement.psd1\'.',
    'VERBOSE: Populating RepositorySourceLocation property for module ExchangeOnlineManagement.',
    'VERBOSE: Exporting function \'Get-Mailbox\'.',
  ];
  let log = '';
  for (let i = 0; log.length < MB - 20_000; i++) log += `${verbose[i % verbose.length]}\n`;
  log += transcripts.slice(0, 5).join('\n');
  let errors = '';
  for (let i = 0; errors.length < MB; i++) errors += `${transcripts[i % transcripts.length]}\n`;
  // The same, but every copy stamped differently, as a log of retries is: nothing repeats exactly.
  let stamped = '';
  for (let i = 0; stamped.length < MB; i++) stamped += `[${new Date(Date.UTC(2026, 10, 25, 0, 0, i)).toISOString()}] attempt ${i} failed:\n${transcripts[i % transcripts.length]}\n`;

  function measure(explain, text) {
    for (let i = 0; i < 3; i++) explain(text);
    const times = [];
    for (let i = 0; i < 9; i++) {
      const start = performance.now();
      explain(text);
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    return times[4];
  }

  const rows = [
    ['1 MB verbose log, errors at the end', log],
    [`1 MB of real error transcripts (${transcripts.length} distinct)`, errors],
    ['1 MB of the same, every copy stamped differently', stamped],
  ];
  return rows.map(([name, text]) => figure(`explain: ${name} (${(text.length / MB).toFixed(2)} MB)`, measure(explain, text), '< 100', ' ms'));
}

if (isMain(import.meta.url)) printFigures(await explainBench());
