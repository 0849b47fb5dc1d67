// A private Mosquitto process for one test file, running the shipped config/mosquitto/ files (TLS, client
// certificates, ACL) with their paths moved to a temp folder, on a free loopback port, persistence off.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { reservePort, tcpReachable } from './tcp-proxy.js';
import { sleep, waitFor } from './wait-for.js';

export const SHIPPED_CONFIG = fileURLToPath(new URL('../../config/mosquitto/mosquitto.conf', import.meta.url));
export const SHIPPED_ACL = fileURLToPath(new URL('../../config/mosquitto/fieldproof.acl', import.meta.url));
export const MAKE_TEST_PKI = fileURLToPath(new URL('../../scripts/make-test-pki.sh', import.meta.url));
/** Where the shipped config keeps its certificates and ACL file; the tests move it to a temp folder. */
const INSTALL_DIR = '/etc/mosquitto/fieldproof/';
/** The files of a make-test-pki.sh folder the broker needs, by the names the shipped config gives them. */
const BROKER_FILES = ['ca.crt', 'crl.pem', 'server.crt', 'server.key'];

export interface PrivateMosquitto {
  readonly port: number;
  /** mqtts://127.0.0.1:<port> */
  readonly url: string;
  /** Everything Mosquitto wrote to stdout and stderr so far (its log goes to stderr). */
  output(): string;
  /**
   * Installs a new ACL file (`acl`) and/or the broker files of `pkiDir` (ca.crt, crl.pem, server.crt,
   * server.key), then reloads (SIGHUP), as `systemctl reload mosquitto` would. Resolves once it has.
   */
  reload(change: { acl?: string; pkiDir?: string }): Promise<void>;
  /** SIGTERM, then SIGKILL if it has not exited within 5 s; removes its temp folder. */
  stop(): Promise<void>;
}

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** A program on PATH (or at one of `also`), or undefined. */
export function findProgram(name: string, also: string[] = []): string | undefined {
  return [...(process.env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, name)), ...also].find(executable);
}

/** The mosquitto binary: FIELDPROOF_MOSQUITTO_BIN, else on PATH, else /usr/sbin or /usr/local/sbin (not on a user's PATH). */
export function mosquittoBinary(): string | undefined {
  const fromEnv = process.env.FIELDPROOF_MOSQUITTO_BIN;
  if (fromEnv) return executable(fromEnv) ? fromEnv : undefined;
  return findProgram('mosquitto', ['/usr/sbin/mosquitto', '/usr/local/sbin/mosquitto']);
}

/**
 * Whether the TLS broker tests may run: true when mosquitto, openssl and bash are installed. When one is
 * missing, throws if FIELDPROOF_REQUIRE_SERVICES=1 (CI must not skip), otherwise returns false and says why.
 */
export function tlsBrokerToolsAvailable(): boolean {
  const missing = [
    mosquittoBinary() ? undefined : process.env.FIELDPROOF_MOSQUITTO_BIN
      ? `mosquitto at FIELDPROOF_MOSQUITTO_BIN=${process.env.FIELDPROOF_MOSQUITTO_BIN}`
      : 'mosquitto (apt-get install mosquitto, or set FIELDPROOF_MOSQUITTO_BIN)',
    findProgram('openssl') ? undefined : 'openssl',
    findProgram('bash') ? undefined : 'bash',
  ].filter((m): m is string => m !== undefined);
  if (missing.length === 0) return true;
  const why = `missing: ${missing.join(', ')}`;
  if (['1', 'true', 'yes'].includes((process.env.FIELDPROOF_REQUIRE_SERVICES ?? '').toLowerCase())) {
    throw new Error(`Mosquitto TLS/ACL tests cannot run, ${why}; FIELDPROOF_REQUIRE_SERVICES=1 says they must: install it or unset the variable`);
  }
  process.stderr.write(`skipping Mosquitto TLS/ACL tests: ${why} (set FIELDPROOF_REQUIRE_SERVICES=1 to make this a failure)\n`);
  return false;
}

/** Runs scripts/make-test-pki.sh with `args`; throws with its output if it fails. Returns its stdout. */
export function makeTestPki(args: string[]): string {
  const run = spawnSync('bash', [MAKE_TEST_PKI, ...args], { encoding: 'utf8', timeout: 60_000 });
  if (run.status !== 0) {
    throw new Error(`make-test-pki.sh ${args.join(' ')} exited ${run.status ?? run.signal}: ${run.stderr || run.error?.message}`);
  }
  return run.stdout;
}

/**
 * The shipped mosquitto.conf, made to run in a test: files under /etc/mosquitto/fieldproof/ moved to `dir`,
 * the listener on 127.0.0.1:`port`, persistence off, the log to stderr, no pid file, no privilege drop
 * (files in `dir` are the test user's, mode 0600). Throws if a line it must change is missing, so the
 * tests never silently run a config other than the shipped one.
 */
export function testMosquittoConfig(shipped: string, dir: string, port: number): string {
  const seen = new Set<string>();
  const lines = shipped.split('\n').flatMap((line) => {
    const [directive] = line.trim().split(/\s+/);
    if (line.trimStart().startsWith('#')) return [line];
    switch (directive) {
      case 'listener':
        seen.add(directive);
        return [`listener ${port} 127.0.0.1`];
      case 'persistence':
        seen.add(directive);
        return ['persistence false'];
      case 'persistence_location':
      case 'autosave_interval':
      case 'pid_file':
        return [];
      case 'log_dest':
        seen.add(directive);
        return ['log_dest stderr'];
      case 'user':
        return [];
      default:
        return [line.replaceAll(INSTALL_DIR, `${dir}/`)];
    }
  });
  for (const required of ['listener', 'persistence', 'log_dest']) {
    if (!seen.has(required)) throw new Error(`${SHIPPED_CONFIG}: expected a "${required}" line for the test broker to replace`);
  }
  // Started as root, Mosquitto switches to the "mosquitto" user unless told to stay; otherwise it cannot switch.
  const stay = process.getuid?.() === 0 ? ['user root'] : [];
  const text = [`# Made by test/helpers/private-mosquitto.ts from ${SHIPPED_CONFIG}.`, ...stay, ...lines].join('\n');
  const stale = lines.find((line) => !line.trimStart().startsWith('#') && line.includes(INSTALL_DIR));
  if (stale) throw new Error(`test broker config still names ${INSTALL_DIR}: ${stale}`);
  return text;
}

/**
 * Starts Mosquitto with the shipped config and ACL, the broker's certificates taken from `pkiDir` (a
 * make-test-pki.sh output folder). Resolves once it accepts TCP connections on 127.0.0.1.
 */
export async function startPrivateMosquitto(pkiDir: string): Promise<PrivateMosquitto> {
  const bin = mosquittoBinary();
  if (!bin) throw new Error('mosquitto is not installed (set FIELDPROOF_MOSQUITTO_BIN)');
  const dir = mkdtempSync(join(tmpdir(), 'fieldproof-mosquitto-'));
  try {
    for (const file of BROKER_FILES) copyFileSync(join(pkiDir, file), join(dir, file));
    copyFileSync(SHIPPED_ACL, join(dir, 'fieldproof.acl'));
    // A port reserved and released can be taken before Mosquitto binds it: try again with another.
    let lastOutput = '';
    for (let attempt = 1; attempt <= 3; attempt++) {
      const port = await reservePort();
      const configFile = join(dir, 'mosquitto.conf');
      writeFileSync(configFile, testMosquittoConfig(readFileSync(SHIPPED_CONFIG, 'utf8'), dir, port));
      const started = await launch(bin, configFile, port);
      if (typeof started !== 'string') {
        return {
          port,
          url: `mqtts://127.0.0.1:${port}`,
          output: started.output,
          reload: async (change) => {
            if (change.acl !== undefined) writeFileSync(join(dir, 'fieldproof.acl'), change.acl);
            if (change.pkiDir) for (const file of BROKER_FILES) copyFileSync(join(change.pkiDir, file), join(dir, file));
            const before = reloads(started.output());
            started.signal('SIGHUP');
            await waitFor('mosquitto to reload its config', () => reloads(started.output()) > before, { timeoutMs: 10_000, describe: () => started.output().slice(-500) });
          },
          stop: async () => {
            await started.stop();
            rmSync(dir, { recursive: true, force: true });
          },
        };
      }
      lastOutput = started;
      if (!/address already in use/i.test(started)) break;
    }
    throw new Error(`mosquitto did not start: ${lastOutput.trim().slice(-2000)}`);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/** Spawns the broker and waits for its port; on an early exit or a 10 s wait, returns its output instead. */
async function launch(bin: string, configFile: string, port: number): Promise<{ output(): string; signal(s: NodeJS.Signals): void; stop(): Promise<void> } | string> {
  const child: ChildProcess = spawn(bin, ['-c', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => { output += s; });
  child.stderr!.setEncoding('utf8').on('data', (s: string) => { output += s; });
  let exited = false;
  // A spawn that fails (no such file, not executable) emits 'error' and no 'exit'.
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => { exited = true; resolve(); });
    child.once('error', (err) => { output += `\nspawn ${bin}: ${err.message}`; exited = true; resolve(); });
  });
  // A test process that dies without its afterAll must not leave a broker behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = async () => {
    process.off('exit', killOnExit);
    if (exited) return;
    child.kill('SIGTERM');
    const killed = await Promise.race([exit.then(() => true), sleep(5000).then(() => false)]);
    if (!killed) {
      child.kill('SIGKILL');
      await exit;
    }
  };
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && !exited) {
    // "running" is logged once every listener is open; the probe makes sure the port is this broker's.
    if (/mosquitto version \S+ running/.test(output) && (await tcpReachable('127.0.0.1', port, 500)) && !exited) return { output: () => output, signal: (s) => child.kill(s), stop };
    await sleep(50);
  }
  await stop();
  return exited ? output : `${output}\n(no listener on 127.0.0.1:${port} after 10 s)`;
}

/** How many times the log says the config was reloaded. */
function reloads(output: string): number {
  return output.match(/Reloading config/g)?.length ?? 0;
}
