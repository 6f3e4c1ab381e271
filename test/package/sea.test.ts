// `npm run package`: the single executables start and do real work with nothing beside them. The Linux one
// runs here, the Windows one under Wine, on the Windows tier's machine (test/support/wine.ts).
//
// No download: `npm run package -- --offline` uses only the Node.js binaries and postject that
// `node scripts/node-binaries.mjs` put in node_modules/.cache/exo-doctor-node/ (npm test runs it first), and
// runs under the loopback guard. Without them the tier skips, or fails under CI. The executables run
// under the loopback guard too, here and under Wine.
import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeBinariesMissing, startWineMachine, type WineMachine, wineUnavailable } from '../support/wine.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LINUX_EXE = join(ROOT, 'dist-bin', 'exo-doctor-linux-x64');
const WINDOWS_EXE = join(ROOT, 'dist-bin', 'exo-doctor-win-x64.exe');
const GUARD = new URL('../support/loopback-guard.mjs', import.meta.url).href;
const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
const NODE_VERSION = 'v22.23.3';
const MINUTE = 60_000;

// Under CI nothing is skipped: a missing Wine, missing binaries, or a machine that cannot package fail the run.
const CI = Boolean(process.env['CI']);
const CAN_PACKAGE = process.platform === 'linux' && process.arch === 'x64';
const MISSING = nodeBinariesMissing();
const NO_WINE = wineUnavailable();
const SKIP_PACKAGE = !CI && (!CAN_PACKAGE || MISSING !== undefined);
const SKIP_WINE = SKIP_PACKAGE || (!CI && NO_WINE !== undefined);
if (!CAN_PACKAGE && !CI) console.warn(`test/package skipped: npm run package needs Linux x64 (this is ${process.platform} ${process.arch}).`);
else if (SKIP_PACKAGE) console.warn(`test/package skipped: ${MISSING}.`);
else if (SKIP_WINE) console.warn(`test/package: the Windows executable is not tested: ${NO_WINE}.`);

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a Linux command and waits for it to end (killed after `timeoutMs`, and then this rejects). `env` is
 * the whole environment. (Windows programs go through the Wine machine, which writes to files, not pipes.)
 */
function run(command: string, args: readonly string[], options: { env: NodeJS.ProcessEnv; cwd: string; timeoutMs: number }): Promise<Run> {
  return new Promise<Run>((resolve, reject) => {
    const child = spawn(command, args, { env: options.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      const ran = { code, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') };
      if (timedOut) reject(new Error(`${command} ${args.join(' ')} did not finish within ${options.timeoutMs / 1000} s; it wrote:\n${ran.stdout}${ran.stderr}`));
      else resolve(ran);
    });
  });
}

const evidenceOf = (check: { evidence: { label: string; value: string }[] }) => Object.fromEntries(check.evidence.map((e) => [e.label, e.value]));

describe.skipIf(SKIP_PACKAGE)('npm run package', () => {
  let work = '';
  // The Wine machine boots while the executables are made: neither waits for the other.
  let booting: Promise<WineMachine> | undefined;
  afterAll(async () => {
    const machine = await booting?.catch(() => undefined);
    await machine?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  }, 2 * MINUTE);

  beforeAll(async () => {
    if (MISSING) throw new Error(`npm run package cannot run: ${MISSING}.`);
    work = mkdtempSync(join(tmpdir(), 'exo-doctor-package-'));
    if (!SKIP_WINE && NO_WINE === undefined) {
      booting = startWineMachine();
      // Its failure is reported by the Windows tests, which await it.
      booting.catch(() => undefined);
    }
    // Only the cache (--offline), and under the loopback guard: packaging here never downloads.
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: `--import=${GUARD}`, npm_config_update_notifier: 'false' };
    const result = await run('npm', ['run', 'package', '--', '--offline'], { env, cwd: ROOT, timeoutMs: 9 * MINUTE });
    if (result.code !== 0) throw new Error(`npm run package failed (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  }, 10 * MINUTE);

  describe('exo-doctor-linux-x64', () => {
    // The executable alone in a folder: no node_modules, no quickjs.wasm beside it.
    let dir = '';
    let exe = '';
    beforeAll(() => {
      dir = join(work, 'linux');
      exe = join(dir, 'exo-doctor-linux-x64');
      mkdirSync(dir);
      copyFileSync(LINUX_EXE, exe);
    });

    const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => {
      const base = { ...process.env };
      for (const name of ['CI', 'NO_COLOR', 'FORCE_COLOR', 'NODE_EXTRA_CA_CERTS', 'HTTPS_PROXY', 'HTTP_PROXY', 'https_proxy', 'http_proxy', 'NO_PROXY', 'no_proxy']) delete base[name];
      // A single executable honours NODE_OPTIONS: it may not leave the machine either.
      return { ...base, NODE_OPTIONS: `--import=${GUARD}`, ...extra };
    };
    const runLinux = (args: readonly string[], extra?: Record<string, string>) => run(exe, args, { env: env(extra), cwd: dir, timeoutMs: MINUTE });

    it('prints its version', async () => {
      expect(await runLinux(['--version'])).toMatchObject({ code: 0, stdout: `${version}\n` });
    });

    it('runs the demo: a simulated tenant on 127.0.0.1, every check', async () => {
      const { code, stdout } = await runLinux(['demo', '--scenario', 'healthy']);
      expect(code).toBe(0);
      expect(stdout).toContain(`on Node.js ${NODE_VERSION}, Linux x64`);
      expect(stdout).toContain('No problems found');
    });

    it('knows it is a single executable: the commands it suggests run it again as it was run', async () => {
      const { code, stdout } = await runLinux(['demo', '--scenario', 'powershell-disabled']);
      expect(code).toBe(1);
      expect(stdout).toContain('./exo-doctor-linux-x64 demo --scenario powershell-disabled');
    });

    it('explains an error', async () => {
      const { code, stdout } = await runLinux(['explain', 'AADSTS50076']);
      expect(code).toBe(0);
      expect(stdout).toContain('1. AADSTS50076 UserStrongAuthClientAuthNRequired');
    });

    it('evaluates a PAC file with QuickJS, whose WebAssembly is an asset of the executable', async () => {
      // GNOME's settings are the Linux source of a PAC file: a stand-in gsettings gives one.
      const bin = join(dir, 'bin');
      mkdirSync(bin);
      const pac = join(dir, 'proxy.pac');
      writeFileSync(pac, 'function FindProxyForURL(url, host) { return shExpMatch(host, "*.office365.com") ? "PROXY pac.contoso.com:3128; DIRECT" : "DIRECT"; }\n');
      writeFileSync(
        join(bin, 'gsettings'),
        `#!/bin/sh\necho "org.gnome.system.proxy mode 'auto'"\necho "org.gnome.system.proxy autoconfig-url 'file://${pac}'"\necho "org.gnome.system.proxy ignore-hosts @as []"\n`,
      );
      chmodSync(join(bin, 'gsettings'), 0o755);
      const { stdout } = await runLinux(['--only', 'proxy-config', '--json'], { PATH: `${bin}:${process.env['PATH'] ?? '/usr/bin:/bin'}` });
      const check = (JSON.parse(stdout) as { checks: { id: string; evidence: { label: string; value: string }[] }[] }).checks.find((c) => c.id === 'proxy-config');
      expect(evidenceOf(check!)).toMatchObject({ 'Settings: gnome': `PAC file://${pac}`, [`PAC file://${pac}`]: expect.stringMatching(/^evaluated \(\d+ bytes\)$/) });
    });
  });

  describe.skipIf(SKIP_WINE)('exo-doctor-win-x64.exe under Wine', () => {
    let machine: WineMachine;
    // The executable alone in a folder (drive Z: of the machine): nothing of the repository beside it.
    let exe = '';
    const runWindows = (args: readonly string[]) => machine.runProgram(exe, args, { timeoutMs: MINUTE });

    beforeAll(async () => {
      // In CI Wine must be there (.ci/run installs wine64): a skip would prove nothing.
      if (!booting) throw new Error(`The Windows executable cannot be tested: ${NO_WINE}.`);
      machine = await booting;
      exe = join(work, 'windows', 'exo-doctor-win-x64.exe');
      mkdirSync(join(work, 'windows'));
      copyFileSync(WINDOWS_EXE, exe);
      machine.writeFile('C:\\exo\\proxy.pac', 'function FindProxyForURL(url, host) { return "PROXY pac.contoso.com:3128; DIRECT"; }\n');
      // Internet Options: the DefaultConnectionSettings blob with the PAC flag (4) and the address of the file.
      const u32 = (n: number) => {
        const bytes = Buffer.alloc(4);
        bytes.writeUInt32LE(n);
        return bytes;
      };
      const text = (s: string) => Buffer.concat([u32(Buffer.byteLength(s, 'latin1')), Buffer.from(s, 'latin1')]);
      const blob = Buffer.concat([u32(0x46), u32(1), u32(1 | 4), text(''), text(''), text('file:///C:/exo/proxy.pac'), Buffer.alloc(32)]);
      const settings = 'HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings';
      const policy = 'HKLM\\Software\\Policies\\Microsoft\\Windows\\PowerShell';
      await machine.regImport([
        { key: settings, name: 'AutoConfigURL', type: 'REG_SZ', data: 'file:///C:/exo/proxy.pac' },
        { key: `${settings}\\Connections`, name: 'DefaultConnectionSettings', type: 'REG_BINARY', data: blob.toString('hex') },
        { key: policy, name: 'ExecutionPolicy', type: 'REG_SZ', data: 'AllSigned' },
        { key: policy, name: 'EnableScripts', type: 'REG_DWORD', data: 1 },
      ]);
    }, 5 * MINUTE);

    it('prints its version', async () => {
      expect(await runWindows(['--version'])).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: '' });
    });

    it('lists the checks', async () => {
      const { code, stdout } = await runWindows(['--list-checks']);
      expect(code).toBe(0);
      for (const id of ['runtime', 'proxy-config', 'winrm-basic', 'dotnet-tls', 'sign-in-log']) expect(stdout).toContain(id);
    });

    it("runs the machine checks against Wine's registry, and evaluates the PAC file with the asset's QuickJS", async () => {
      const { stdout, stderr } = await runWindows(['--only', 'runtime,proxy-config,winrm-basic,execution-policy,dotnet-tls,powershell-client', '--json', '--timeout', '45s']);
      const checks = (JSON.parse(stdout) as { checks: { id: string; status: string; summary: string; evidence: { label: string; value: string }[] }[] }).checks;
      expect(checks.map((c) => c.id).sort()).toEqual(['dotnet-tls', 'execution-policy', 'powershell-client', 'proxy-config', 'runtime', 'winrm-basic']);
      expect(checks.filter((c) => c.status === 'error'), stderr).toEqual([]);
      const byId = Object.fromEntries(checks.map((c) => [c.id, c]));
      expect(byId['runtime']).toMatchObject({ status: 'pass', summary: expect.stringContaining(`on Node.js ${NODE_VERSION}, Windows x64`) });
      expect(evidenceOf(byId['proxy-config']!)).toMatchObject({ 'PAC file:///C:/exo/proxy.pac': expect.stringMatching(/^evaluated \(\d+ bytes\)$/) });
      expect(JSON.stringify(byId['execution-policy'])).toContain('AllSigned');
    });

    it('explains an error', async () => {
      const { code, stdout } = await runWindows(['explain', 'AADSTS50076']);
      expect(code).toBe(0);
      expect(stdout).toContain('1. AADSTS50076 UserStrongAuthClientAuthNRequired');
    });
  });
});
