// A real hub for the reviewer page's tests: `fieldproof hub --http` as a child process on a store holding a
// field-like run, then a simulated matrix run (`fieldproof sim matrix`) through its embedded broker.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { loadOddFile } from '../../config/odd-config.js';
import { openSqliteStore } from '../../hub/store/sqlite/open-sqlite.js';
import { CLI, ROOT, runCli } from '../helpers/cli.js';
import { writeHubKeySync } from '../helpers/keys.js';
import { waitFor } from '../helpers/wait-for.js';
import { fillField } from './field-run.js';

export const MATRIX_ID = 'web-matrix';
const MATRIX = `id: ${MATRIX_ID}
description: a small matrix for the reviewer page's tests
seed: 7
ramp_s: 2
base:
  duration_s: 40
  rate_hz: 10
  decision_hz: 2
  risk_level: medium
  operator: { reaction_s: 0.5 }
dimensions:
  weather: [clear, fog, rain]
  lighting: [day, night]
`;

export const FIELD_DEVICES = [{ id: 'ugv-field-1', seed: 41 }, { id: 'ugv-field-2', seed: 42 }];

export interface WebHub {
  /** http://127.0.0.1:PORT/ */
  url: string;
  dir: string;
  /** The matrix run's summary as `sim matrix --json` printed it (empty without a matrix). */
  matrix: { rows: number; records: number; perRow: { row: string; deviceId: string; records: number }[] } | null;
  api<T>(path: string): Promise<T>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    }).on('error', reject);
  });
}

function startHubProcess(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'hub', ...args], { cwd: ROOT, env: { ...process.env, FIELDPROOF_DEBUG: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hub --http did not print its URL in 60 s; stdout: ${out} stderr: ${err}`)), 60_000);
    child.stderr!.setEncoding('utf8').on('data', (d: string) => { err += d; });
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /reviewer page: (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1] });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`hub exited with ${code} before serving; stderr: ${err}`));
    });
  });
}

/** Starts the hub on a store in `dir`, filled with the field run and/or a matrix run, and waits until analysed. */
export async function startWebHub(dir: string, fill: { field: boolean; matrix: boolean }): Promise<WebHub> {
  const store = join(dir, 'hub.db');
  const { keyFile, pubFile } = writeHubKeySync(join(dir, 'hub-key'));
  const s = await openSqliteStore(store);
  try {
    if (fill.field) await fillField(s, FIELD_DEVICES);
  } finally {
    await s.close();
  }
  const brokerPort = await freePort();
  const httpPort = await freePort();
  const { child, url } = await startHubProcess(['--store', store, '--key', keyFile, '--embedded-broker', '--port', String(brokerPort), '--http', `127.0.0.1:${httpPort}`]);
  const api = async <T>(path: string): Promise<T> => {
    const res = await fetch(new URL(path, url));
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  };
  const taxonomy = loadOddFile();
  const analysed = (devices: number) => waitFor(`the hub to store and analyse ${devices} device(s)`, async () => {
    const rows = await api<unknown[]>('/api/devices');
    const cov = await api<{ lag: number; taxonomy: { fingerprint: string } }>('/api/coverage?limit=0');
    return rows.length === devices && cov.lag === 0 && cov.taxonomy.fingerprint === taxonomy.fingerprint;
  }, { timeoutMs: 120_000, intervalMs: 250 });
  try {
    const field = fill.field ? FIELD_DEVICES.length : 0;
    // the analyst catches up on the field run first: the matrix's key registrations then never wait on its writes
    await analysed(field);
    let matrix: WebHub['matrix'] = null;
    if (fill.matrix) {
      const file = join(dir, 'matrix.yaml');
      writeFileSync(file, MATRIX);
      // every row at once: each registers its key as it starts, so none registers while the hub ingests another
      const r = await runCli(['sim', 'matrix', file, '--hub', `mqtt://127.0.0.1:${brokerPort}`, '--store', store, '--hub-pubkey', pubFile, '--parallel', '6', '--dir', join(dir, 'sim'), '--json']);
      if (r.code !== 0) throw new Error(`sim matrix failed (${r.code}): ${r.stderr}`);
      matrix = JSON.parse(r.stdout);
      await analysed(field + matrix!.rows);
    }
    return { url, dir, matrix, api, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
