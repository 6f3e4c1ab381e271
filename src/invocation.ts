/**
 * The commands the doctor suggests run the doctor again: they are written the way this run was started
 * (`npx exo-doctor`, `node dist/cli.js`, `.\exo-doctor-win-x64.exe`, `exo-doctor demo --scenario X`),
 * so that they can be pasted as they are.
 */

/** `exo-doctor --only exo-token` in the form this run was started with. */
export function doctorCommand(config: { readonly invocation?: string }, args = ''): string {
  return `${config.invocation ?? 'exo-doctor'}${args ? ` ${args}` : ''}`;
}

/** How a person started this process, from what npm, the shell and the executable leave behind. */
export function invocationFrom(facts: {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The script node runs (`process.argv[1]`), absent in a single executable. */
  readonly script?: string;
  /** Whether this is a single executable application. */
  readonly singleExecutable: boolean;
  /** The executable's file name, for a single executable. */
  readonly executableName: string;
  readonly platform: NodeJS.Platform;
  readonly cwd: string;
}): string {
  if (facts.singleExecutable) return facts.platform === 'win32' ? `.\\${facts.executableName}` : `./${facts.executableName}`;
  // `npx exo-doctor …` and `npm exec`: npm tells its children which command it ran.
  if (facts.env['npm_command'] === 'exec' || facts.env['npm_lifecycle_event'] === 'npx') return 'npx exo-doctor';
  const script = facts.script?.replaceAll('\\', '/');
  if (script && /\/dist\/cli\.js$/.test(script) && !script.includes('/node_modules/')) {
    // Run from a clone: `node dist/cli.js`, relative to where the user stands when it is below.
    const cwd = facts.cwd.replaceAll('\\', '/').replace(/\/$/, '');
    const relative = script.startsWith(`${cwd}/`) ? script.slice(cwd.length + 1) : script;
    return `node ${relative}`;
  }
  return 'exo-doctor';
}
