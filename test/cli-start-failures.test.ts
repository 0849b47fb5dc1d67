// Daemons that cannot start exit non-zero at once with one line saying why (so systemd's Restart= fires), and a bad
// flag is one usage line (exit 2) before anything is created: never a stack trace, never a schema dump. Real processes.
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CLI, ROOT, runCli, type CliResult } from './helpers/cli.js';
import { testKey, writeTestKey } from './helpers/keys.js';
import { reservePort } from './helpers/tcp-proxy.js';
import { useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs('fp-start-');
// Each case spawns the CLI (seconds of module loading on a busy 2-core machine); the bounds asserted are generous.
vi.setConfig({ testTimeout: 120_000 });

const held: Server[] = [];
afterEach(async () => {
  await Promise.all(held.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A loopback port something else is listening on for the rest of the test. */
async function takenPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  held.push(server);
  return (server.address() as { port: number }).port;
}

/** A hub config (its own key, a store in a temp folder) plus `extra` YAML sections. */
async function hubConfig(extra: string): Promise<{ dir: string; config: string }> {
  const dir = tempDir();
  await writeTestKey(join(dir, 'keys'), await testKey(9));
  const config = join(dir, 'hub.yaml');
  writeFileSync(config, `key_file: keys/device.key\nstore:\n  path: hub.db\n${extra}`);
  return { dir, config };
}

/** Runs the CLI and times it. */
async function timed(args: string[]): Promise<CliResult & { ms: number }> {
  const started = Date.now();
  const result = await runCli(args);
  return { ...result, ms: Date.now() - started };
}

/** Exactly one line on stderr, starting `fieldproof: `, with no stack frame and no JSON. */
function expectOneLine(stderr: string): string {
  const lines = stderr.split('\n').filter((l) => l !== '');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^fieldproof: /);
  expect(stderr).not.toMatch(/^\s+at /m);
  expect(stderr).not.toMatch(/^\s*[[{]/m);
  return lines[0];
}

describe('fieldproof hub exits non-zero with one line when it cannot start', () => {
  it('embedded broker port taken: names the port and what to do', async () => {
    const port = await takenPort();
    const { config } = await hubConfig(`embedded_broker:\n  enabled: true\n  port: ${port}\n`);
    const r = await timed(['hub', '-c', config]);
    expect(r.code).not.toBe(0);
    const line = expectOneLine(r.stderr);
    expect(line).toContain(`embedded broker: port ${port} on 127.0.0.1 is already in use`);
    expect(line).toContain('--port N');
    // Module loading is most of it; a hub held up by a leftover handle would hang until the test times out.
    expect(r.ms).toBeLessThan(30_000);
  });

  it('metrics port taken: names the port and metrics.port', async () => {
    const port = await takenPort();
    const { config } = await hubConfig(`embedded_broker:\n  enabled: true\n  port: 0\nmetrics:\n  port: ${port}\n`);
    const r = await runCli(['hub', '-c', config]);
    expect(r.code).not.toBe(0);
    expect(expectOneLine(r.stderr)).toContain(`metrics: port ${port} on 127.0.0.1 is already in use (EADDRINUSE; another hub running?): set metrics.port`);
  });

  it('external broker unreachable: retries for mqtt.connect_timeout_ms, then names the URL and ECONNREFUSED', async () => {
    const url = `mqtt://127.0.0.1:${await reservePort()}`;
    const { config } = await hubConfig(`mqtt:\n  url: ${url}\n  protocol_version: 4\n  connect_timeout_ms: 2500\n`);
    const r = await timed(['hub', '-c', config]);
    expect(r.code).not.toBe(0);
    const line = expectOneLine(r.stderr);
    expect(line).toBe(`fieldproof: cannot connect to MQTT broker ${url}: nothing accepts connections at ${url.slice(7)} (ECONNREFUSED): `
      + 'start the broker there (or the hub with --embedded-broker), or fix the host and port in mqtt.url (gave up after 2500 ms of retrying: mqtt.connect_timeout_ms)');
    expect(r.ms).toBeGreaterThanOrEqual(2500);
    expect(r.ms).toBeLessThan(30_000);
  });

  it('external broker speaking only MQTT 3.1.1 to a hub set to 5: says to set mqtt.protocol_version: 4, without waiting', async () => {
    const broker = await hubConfig('embedded_broker:\n  enabled: true\n  port: 0\n');
    const brokerPort = await reservePort();
    // A running hub's embedded broker is the 3.1.1-only broker here; the second hub points at it with protocol_version 5.
    const first = spawn(process.execPath, ['--import', 'tsx', CLI, 'hub', '-c', broker.config, '--port', String(brokerPort)], {
      cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    first.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
    first.stderr.setEncoding('utf8').on('data', (d: string) => { out += d; });
    try {
      await vi.waitFor(() => {
        if (first.exitCode !== null) throw new Error(`first hub exited: ${out}`);
        expect(out).toContain('"msg":"hub started"');
      }, { timeout: 60_000, interval: 100 });
      const url = `mqtt://127.0.0.1:${brokerPort}`;
      const { config } = await hubConfig(`mqtt:\n  url: ${url}\n  protocol_version: 5\n  connect_timeout_ms: 30000\n`);
      const r = await timed(['hub', '-c', config]);
      expect(r.code).not.toBe(0);
      expect(expectOneLine(r.stderr)).toBe(`fieldproof: cannot connect to MQTT broker ${url}: the broker refused MQTT 5 ("Unacceptable protocol version"): `
        + 'it speaks MQTT 3.1.1 only, as the embedded broker (aedes) does; set mqtt.protocol_version: 4');
      expect(r.ms).toBeLessThan(30_000);
    } finally {
      if (first.exitCode === null && first.signalCode === null) {
        const exited = new Promise((resolve) => first.once('exit', resolve));
        first.kill('SIGTERM');
        await exited;
      }
    }
  });

  it('TLS file unreadable: names the key and the file', async () => {
    const { dir, config } = await hubConfig('mqtt:\n  url: mqtts://127.0.0.1:8883\n  ca_file: pki/missing-ca.pem\n');
    const r = await runCli(['hub', '-c', config]);
    expect(r.code).not.toBe(0);
    expect(expectOneLine(r.stderr)).toBe(`fieldproof: mqtt.ca_file: cannot read ${join(dir, 'pki', 'missing-ca.pem')} (no such file): `
      + 'fix the path in the config (relative paths are taken from the config file\'s folder) or the file\'s permissions');
  });
});

describe('fieldproof agent exits non-zero with one line when it cannot start', () => {
  it('metrics port taken', async () => {
    const port = await takenPort();
    const dir = tempDir();
    await writeTestKey(join(dir, 'keys'), await testKey(1));
    const config = join(dir, 'agent.yaml');
    writeFileSync(config, `device_id: ugv-start\nkey_file: keys/device.key\noutbox:\n  path: data/outbox.db\nuplink:\n  enabled: false\nmetrics:\n  port: ${port}\n`);
    const r = await timed(['agent', '-c', config]);
    expect(r.code).not.toBe(0);
    expect(expectOneLine(r.stderr)).toBe(`fieldproof: metrics: port ${port} on 127.0.0.1 is already in use (EADDRINUSE; another agent running?): `
      + 'set metrics.port to a free port, or 0 to serve no metrics');
    expect(r.ms).toBeLessThan(30_000);
  });
});

describe('a bad flag is one usage line, exit 2, before anything is created', () => {
  it.concurrent.each([
    [['hub', '--port', 'abc'], 'fieldproof: --port: expected a TCP port 0-65535, got "abc" (run with --help for usage)'],
    [['hub', '--embedded-broker', '--port', '70000'], 'fieldproof: --port: expected a TCP port 0-65535, got "70000" (run with --help for usage)'],
    [['hub', '--mqtt', 'localhost:1883'], 'fieldproof: --mqtt: expected an mqtt:// or mqtts:// URL such as mqtt://127.0.0.1:1883, got "localhost:1883" (run with --help for usage)'],
    [['agent', '-c', 'agent.yaml', '--drain-ms', 'soon'], 'fieldproof: --drain-ms: expected a whole number of at least 0, got "soon" (run with --help for usage)'],
    [['demo', '--agents', '0'], 'fieldproof: --agents: expected a whole number of at least 1, got "0" (run with --help for usage)'],
    [['sim', 'matrix', 'smoke', '--strength', '4'], 'fieldproof: --strength: expected 2 (pairwise) or 3, got "4" (run with --help for usage)'],
  ])('%j', async (args, expected) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(expectOneLine(r.stderr)).toBe(expected);
  });

  it('sim run --hub localhost:1 names the flag, not a schema dump, and creates no store', async () => {
    const dir = tempDir();
    const store = join(dir, 'hub.db');
    const r = await runCli(['sim', 'run', 'fog-at-dusk', '--hub', 'localhost:1', '--store', store, '--dir', join(dir, 'run')]);
    expect(r.code).toBe(2);
    expect(expectOneLine(r.stderr)).toBe('fieldproof: --hub: expected an mqtt:// or mqtts:// URL such as mqtt://127.0.0.1:1883, got "localhost:1" (run with --help for usage)');
    expect(existsSync(store)).toBe(false);
    expect(existsSync(join(dir, 'run'))).toBe(false);
  });

  it('sim run --hub with a store that does not exist refuses before creating it', async () => {
    const dir = tempDir();
    const store = join(dir, 'no-such-hub.db');
    const r = await runCli(['sim', 'run', 'fog-at-dusk', '--hub', 'mqtt://127.0.0.1:1', '--store', store, '--dir', join(dir, 'run')]);
    expect(r.code).toBe(2);
    expect(expectOneLine(r.stderr)).toBe(`fieldproof: --store ${store}: no such file: give the running hub's SQLite store (its store.path), which it creates at start`);
    expect(existsSync(store)).toBe(false);
    expect(existsSync(join(dir, 'run'))).toBe(false);
  });
});
