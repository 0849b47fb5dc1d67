// `npm run bench [-- --quick] [--only NAME[,NAME]] [--json]`: runs each benchmark module in a fresh
// process and prints every figure beside a baseline measured in the same run, as a ratio (table or JSON).
import { spawn, type ChildProcess } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { BenchFn, Row } from './lib/rows.js';
import { NODE_FLAGS } from '../bin/runtime-flags.js';
import { withNodeFlags } from './lib/children.js';
import { renderTable, type Section } from './lib/table.js';
import { makeTempDir, removeAllTempDirs, removeTempDir } from './lib/temp-dir.js';

const BENCHES: Record<string, { what: string; load: () => Promise<{ run: BenchFn }> }> = {
  capture: { what: 'records/s committed and sealed through Outbox.append', load: () => import('./capture.bench.js') },
  critical: { what: 'latency of a critical append, idle and under bulk load', load: () => import('./critical.bench.js') },
  memory: { what: 'RSS of a real agent process fed 1M records, and of the capture path alone', load: () => import('./memory.bench.js') },
  codec: { what: 'record encoding + hashing vs protobufjs Record.encode', load: () => import('./codec.bench.js') },
  serial: { what: 'NMEA and MAVLink parse rate through the serial source, in memory and over a socat pty', load: () => import('./serial.bench.js') },
  'local-api': { what: 'conditions messages/s over the local API socket into a real Agent (JSON, client, protobuf)', load: () => import('./local-api.bench.js') },
  ingest: { what: 'hub ingest alone (verify + store) on pre-built sealed segments, no MQTT', load: () => import('./ingest.bench.js') },
  e2e: { what: 'records/s from capture to hub commit and ack, hub in its own process, aedes and Mosquitto', load: () => import('./e2e.bench.js') },
  'ack-latency': { what: 'ack latency at a steady 1,000 records/s, hub in its own process on aedes', load: () => import('./ack-latency.bench.js') },
  sim: { what: 'a matrix run through real agents to a hub, and covering-array rows vs the known minimum', load: () => import('./sim.bench.js') },
  'covering-array': { what: 'covering-array generation at 15-30 factors beside enumerating the t-tuples once, rows beside the best known', load: () => import('./covering-array.bench.js') },
  analytics: { what: 'the analyst\'s records/s over a stored fleet beside hub ingest and raw decode of the same segments', load: () => import('./analytics.bench.js') },
  reports: { what: 'p50/p99 of each report and API route over analyst-filled stores beside a trivial indexed SQLite read', load: () => import('./reports.bench.js') },
  evidence: { what: 'export and verify of an evidence packet of 100k and 1M records beside reading and SHA-256-ing its bytes; peak RSS', load: () => import('./evidence.bench.js') },
};

const USAGE = `usage: npm run bench -- [--quick] [--only NAME[,NAME]] [--json]
  --quick   smaller N, for a smoke run (about a minute and a half)
  --only    run only these benchmarks: ${Object.keys(BENCHES).join(', ')}
  --json    print one JSON document on stdout instead of the table (progress goes to stderr)`;

const log = (line: string) => process.stderr.write(`${line}\n`);

function options() {
  try {
    const { values } = parseArgs({
      options: {
        quick: { type: 'boolean' }, only: { type: 'string', multiple: true }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
        child: { type: 'string' }, dir: { type: 'string' }, // internal: one benchmark in this process
      },
      strict: true,
    });
    if (values.help) {
      console.log(USAGE);
      process.exit(0);
    }
    const names = (values.only ?? Object.keys(BENCHES)).flatMap((o) => o.split(',')).map((s) => s.trim()).filter(Boolean);
    const unknown = names.filter((n) => !(n in BENCHES));
    if (unknown.length) throw new Error(`--only: unknown benchmark "${unknown.join('", "')}"; expected one of ${Object.keys(BENCHES).join(', ')}`);
    return { quick: values.quick ?? false, json: values.json ?? false, names, child: values.child, dir: values.dir };
  } catch (err) {
    console.error(`bench: ${(err as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}

/** Child mode: runs one benchmark and prints its rows as the last line of stdout. */
async function runChild(name: string, dir: string, quick: boolean): Promise<void> {
  const { run } = await BENCHES[name].load();
  const rows = await run({ quick, dir, log: (line) => log(`  ${line}`) });
  process.stdout.write(`${JSON.stringify(rows)}\n`);
}

let current: ChildProcess | undefined;

/** Runs one benchmark in a fresh process (same loader), so no benchmark inherits another's JIT or heap state. */
function runIsolated(name: string, dir: string, quick: boolean): Promise<Row[]> {
  const args = [...withNodeFlags(process.execArgv), fileURLToPath(import.meta.url), '--child', name, '--dir', dir, ...(quick ? ['--quick'] : [])];
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    current = proc;
    let out = '';
    proc.stdout.on('data', (d) => { out += d; });
    proc.on('error', reject);
    proc.on('close', (code, signal) => {
      current = undefined;
      const last = out.trim().split('\n').pop() ?? '';
      if (code === 0 && last.startsWith('[')) resolve(JSON.parse(last) as Row[]);
      else reject(new Error(`benchmark process exited with ${signal ?? code} (its error is above)`));
    });
  });
}

function machine() {
  const cpu = cpus();
  return {
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpus: `${cpu.length} x ${cpu[0]?.model.trim() ?? 'unknown'}`,
    memoryGb: Math.round(totalmem() / 1e9),
    nodeFlags: NODE_FLAGS.join(' '),
  };
}

async function main(): Promise<void> {
  const { quick, json, names, child, dir } = options();
  if (child) return runChild(child, dir!, quick);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      current?.kill(signal);
      removeAllTempDirs();
      process.exit(130);
    });
  }
  const startedAt = new Date().toISOString();
  const loadBefore = loadavg()[0];
  const started = performance.now();
  const sections: Section[] = [];
  for (const name of names) {
    log(`bench ${name}: ${BENCHES[name].what}${quick ? ' (quick)' : ''}`);
    const benchDir = makeTempDir(name);
    const t0 = performance.now();
    const load0 = loadavg()[0];
    const timing = () => ({ seconds: (performance.now() - t0) / 1000, load: [load0, loadavg()[0]] as [number, number] });
    try {
      const rows = await runIsolated(name, benchDir, quick);
      sections.push({ bench: name, rows, ...timing() });
    } catch (err) {
      log(`bench ${name} failed: ${(err as Error).message}`);
      sections.push({ bench: name, rows: [], ...timing(), error: (err as Error).message });
    } finally {
      removeTempDir(benchDir);
    }
  }
  const totalSeconds = (performance.now() - started) / 1000;
  const loadAfter = loadavg()[0];
  const env = { ...machine(), quick, startedAt, totalSeconds, loadavg1m: { before: loadBefore, after: loadAfter } };
  if (json) {
    console.log(JSON.stringify({ ...env, benches: sections }, null, 2));
  } else {
    console.log(`fieldproof bench${quick ? ' --quick' : ''}: ${env.node}, ${env.platform}, ${env.cpus}, ${env.memoryGb} GB, ${startedAt}`);
    console.log(`load average (1 min) ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after; ${totalSeconds.toFixed(0)} s in all; each benchmark in its own process`);
    console.log(`with the CLI's node flags (bin/runtime-flags.ts): ${env.nodeFlags}. Ratio = figure / baseline.\n`);
    console.log(renderTable(sections));
  }
  if (sections.some((s) => s.error)) process.exitCode = 1;
}

await main();
