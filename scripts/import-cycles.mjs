// Fails when the project's own modules import each other in a cycle (type-only and lazy imports
// included: a cycle is a knot in the design whether or not it bites at run time). Part of `npm run lint`.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// The tree to look at: the project, or another one given as the first argument (the test makes one).
const root = process.argv[2] ? resolve(process.argv[2]) : resolve(dirname(fileURLToPath(import.meta.url)), '..');
const files = ['src', 'checks']
  .flatMap((dir) => readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' }).map((f) => join(root, dir, f)))
  .filter((f) => f.endsWith('.ts'));

// `import … from './x.js'`, `export … from './x.js'`, `import('./x.js')`: relative specifiers only.
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g;
const graph = new Map(
  files.map((file) => {
    const text = readFileSync(file, 'utf8');
    const targets = [...text.matchAll(SPECIFIER)].map((m) => resolve(dirname(file), (m[1] ?? '').replace(/\.js$/, '.ts')));
    return [file, [...new Set(targets.filter((t) => files.includes(t)))]];
  }),
);

const state = new Map();
const cycles = [];
const stack = [];
function visit(file) {
  if (state.get(file) === 'done') return;
  if (state.get(file) === 'open') {
    cycles.push([...stack.slice(stack.indexOf(file)), file].map((f) => relative(root, f)));
    return;
  }
  state.set(file, 'open');
  stack.push(file);
  for (const next of graph.get(file) ?? []) visit(next);
  stack.pop();
  state.set(file, 'done');
}
for (const file of files) visit(file);

if (cycles.length > 0) {
  console.error(`Modules import each other in a cycle; move what both need into a third module:\n${cycles.map((c) => `  ${c.join(' → ')}`).join('\n')}`);
  process.exit(1);
}
console.log(`import-cycles: ${files.length} modules, no cycle.`);
