// Memory: RSS of a real `fieldproof agent` process (example config, offline) idle, at its peak while fed 1M
// conditions through its local API, and after; then, to show where memory goes, of children capturing through
// Agent.capture or the Outbox alone. Each beside a child that only opened better-sqlite3, same run; all with the CLI's flags.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NODE_FLAGS } from '../bin/runtime-flags.js';
import type { Conditions } from '../proto/index.js';
import { offlineExampleConfig, residentSet, startAgentProcess } from './lib/agent-process.js';
import { conditionsBody } from './lib/bodies.js';
import { conditionsMessage, pipeline } from './lib/local-api-feed.js';
import { row, type Baseline, type BenchContext, type Row } from './lib/rows.js';
import { transpileTree } from './lib/transpile-tree.js';

const TARGET = { op: '<', value: 100 } as const;
const MB = 1e6;
const ACK_EVERY = 50_000;
/** Frames written per socket write when feeding the agent process. */
const FEED_CHUNK = 1000;
/** How long the agent process sits idle after the feed before "after" is read (V8's memory reducer runs by then). */
const SETTLE_MS = 10_000;
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');

interface ChildArgs { mode: 'bare' | 'append' | 'agent'; dir: string; name: string; records: number; ackEvery: number }
interface ChildResult { peakRss: number; finalRss: number; heapTotal: number; external: number; records: number; seconds: number }

/** Runs child-rss (plain JavaScript) in a fresh node process with the CLI's flags. */
function child(script: string, args: ChildArgs): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [...NODE_FLAGS, script, JSON.stringify(args)], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stdout.on('data', (d) => { out += d; });
    proc.stderr.on('data', (d) => { err += d; });
    proc.on('error', reject);
    proc.on('close', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !last.startsWith('{')) reject(new Error(`child-rss ${args.name} exited with ${code}: ${err.trim().slice(-2000)}`));
      else resolve(JSON.parse(last) as ChildResult);
    });
  });
}

interface ProcessResult { idleRss: number; peakRss: number; finalRss: number; afterRss: number; seconds: number }

/** Starts the agent process, lets it settle, feeds `records` protobuf conditions frames, reads its resident set. */
async function deployedAgent(ctx: BenchContext, cli: string, records: number): Promise<ProcessResult> {
  const config = await offlineExampleConfig(ctx.dir, 'ugv-mem');
  const agent = await startAgentProcess(cli, config, 'agent process');
  try {
    await new Promise((r) => setTimeout(r, 2000)); // first health reading, broker retries, criteria timer
    const idleRss = residentSet(agent.pid).rss;
    let sent = 0;
    let reported = 0;
    const t0 = performance.now();
    await pipeline(agent.socket, 'protobuf', records, () => {
      if (sent >= records) return undefined;
      const frames: Buffer[] = [];
      for (const end = Math.min(records, sent + FEED_CHUNK); sent < end; sent++) {
        frames.push(conditionsMessage('protobuf', sent + 1, (conditionsBody(sent) as { conditions: Conditions }).conditions));
      }
      return Buffer.concat(frames);
    }, (replies) => {
      if (replies - reported >= records / 5) {
        reported = replies;
        ctx.log(`agent process: ${replies} of ${records} committed, RSS ${mb(residentSet(agent.pid).rss)} MB`);
      }
    });
    const seconds = (performance.now() - t0) / 1000;
    const { rss, peak } = residentSet(agent.pid);
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const after = residentSet(agent.pid);
    return { idleRss, peakRss: Math.max(peak, after.peak), finalRss: rss, afterRss: after.rss, seconds };
  } finally {
    await agent.stop();
  }
}

export async function run(ctx: BenchContext): Promise<Row[]> {
  const records = ctx.quick ? 200_000 : 1_000_000;
  const n = `${records / 1e6}M`;
  // How the agent runs in production: plain JavaScript on bare node (tsx alone would add tens of MB).
  const js = join(ctx.dir, 'js');
  const childRss = transpileTree(root, join(here, 'child-rss.ts'), js);
  const cli = transpileTree(root, join(root, 'bin', 'fieldproof.ts'), js);
  const bare = await child(childRss, { mode: 'bare', dir: ctx.dir, name: 'bare', records: 0, ackEvery: 0 });
  const base: Baseline = { name: 'bare node, only opened better-sqlite3', figure: bare.finalRss / MB, unit: 'MB' };

  const deployed = await deployedAgent(ctx, cli, records);
  ctx.log(`agent process: bare ${mb(bare.finalRss)} MB; idle ${mb(deployed.idleRss)} MB; peak ${mb(deployed.peakRss)} MB over ${n} records, ${mb(deployed.afterRss)} MB after`);
  const what = 'a `fieldproof agent` process (example config, broker unreachable)';
  const rows: Row[] = [
    row(`RSS of ${what}, idle after start`, deployed.idleRss / MB, 'MB', base, {
      note: `every source of config/agent.example.yaml on (health, serial port retried, local API, criteria); node ${NODE_FLAGS.join(' ')}`,
    }),
    row(`peak RSS, ${n} conditions into ${what} via its local API`, deployed.peakRss / MB, 'MB', base, {
      target: TARGET,
      note: `kernel VmHWM; protobuf frames pipelined on one connection, every one committed before its reply; ${Math.round(records / deployed.seconds / 1000)}k/s`,
    }),
    row(`RSS after ${n} conditions into ${what}, ${SETTLE_MS / 1000} s later`, deployed.afterRss / MB, 'MB', base, {
      target: TARGET,
      note: `holding the ${n} records; ${mb(deployed.finalRss)} MB the moment the last one was committed`,
    }),
  ];

  const subjects = [
    { mode: 'agent', what: 'Agent.capture (in-process agent, no sources, uplink off)', verb: 'captured', acks: [0] },
    { mode: 'append', what: 'Outbox.append alone', verb: 'appended', acks: [0, ACK_EVERY] },
  ] as const;
  for (const s of subjects) {
    for (const ackEvery of s.acks) {
      const r = await child(childRss, { mode: s.mode, dir: ctx.dir, name: `${s.mode}-${ackEvery}`, records, ackEvery });
      const acks = ackEvery ? `ack every ${ackEvery / 1000}k` : 'no ack';
      ctx.log(`${s.what}, ${acks}: peak ${mb(r.peakRss)} MB, final ${mb(r.finalRss)} MB`);
      rows.push(row(`peak RSS, ${n} via ${s.what}, ${acks}`, r.peakRss / MB, 'MB', base, {
        note: `${r.records} records ${s.verb} in bursts of 1000 in ${r.seconds.toFixed(1)} s (${Math.round(r.records / r.seconds / 1000)}k/s); final RSS ${mb(r.finalRss)} MB, V8 heap ${mb(r.heapTotal)} MB, external ${mb(r.external)} MB`,
      }));
    }
  }
  return rows;
}

function mb(bytes: number): string {
  return (bytes / MB).toFixed(1);
}
