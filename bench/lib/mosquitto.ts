// Which Mosquitto the benchmarks use: the one on 127.0.0.1:1883 by default; FIELDPROOF_BENCH_MOSQUITTO=host:port
// picks another, and =private starts a throwaway one (same binary, same defaults) on a free loopback port.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, startHelper } from './children.js';

export interface MosquittoTarget {
  url: string;
  /** How the table names it. */
  label: string;
  stop(): Promise<void>;
}

const BINARIES = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto', '/usr/local/sbin/mosquitto'];

export function tcpReachable(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => { socket.destroy(); clearTimeout(timer); resolve(ok); };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** The Mosquitto to measure against, or a note saying why it is skipped. */
export async function mosquittoTarget(dir: string): Promise<MosquittoTarget | { skip: string }> {
  const wanted = process.env.FIELDPROOF_BENCH_MOSQUITTO ?? '127.0.0.1:1883';
  if (wanted === 'private') return startPrivate(dir);
  const [host, portText] = wanted.split(':');
  const port = Number(portText);
  if (!host || !Number.isInteger(port)) throw new Error(`FIELDPROOF_BENCH_MOSQUITTO: expected host:port or "private", got "${wanted}"`);
  if (!(await tcpReachable(host, port))) {
    return { skip: `Mosquitto not reachable at ${host}:${port}: skipped (start it, or set FIELDPROOF_BENCH_MOSQUITTO=private to run a throwaway one)` };
  }
  return { url: `mqtt://${host}:${port}`, label: `Mosquitto ${host}:${port}`, stop: async () => {} };
}

async function startPrivate(dir: string): Promise<MosquittoTarget | { skip: string }> {
  const binary = BINARIES.find((b) => existsSync(b));
  if (!binary) return { skip: `FIELDPROOF_BENCH_MOSQUITTO=private, but no mosquitto binary in ${BINARIES.join(', ')}: skipped` };
  const port = await freePort();
  const data = join(dir, 'mosquitto');
  mkdirSync(data, { recursive: true });
  const conf = join(data, 'mosquitto.conf');
  // As the system broker is set up (persistence on), on a loopback port of its own, with Nagle off as the
  // README recommends for a broker in front of fieldproof hubs (the agent and hub sockets already set it).
  writeFileSync(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence true\npersistence_location ${data}/\nset_tcp_nodelay true\n`);
  const helper = startHelper('private mosquitto', binary, ['-c', conf]);
  for (let i = 0; i < 100 && !(await tcpReachable('127.0.0.1', port, 200)); i++) await sleep(50);
  if (!(await tcpReachable('127.0.0.1', port))) throw new Error(`private mosquitto did not listen on ${port}: ${helper.output()}`);
  return {
    url: `mqtt://127.0.0.1:${port}`,
    label: `private Mosquitto :${port}`,
    stop: async () => { await helper.stop('SIGTERM', 5000); },
  };
}
