// A real `fieldproof agent` process, as a vehicle runs it: the CLI as plain JavaScript on node with the shipped
// flags, configured from config/agent.example.yaml (every source on) with its broker unreachable (offline).
import { readFileSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { NODE_FLAGS } from '../../bin/runtime-flags.js';
import { loadAgentConfig } from '../../config/index.js';
import { generateDeviceKey, writeKeyFiles } from '../../proto/node.js';
import { freePort, ROOT, startHelper, type Helper } from './children.js';

export interface AgentProcess {
  helper: Helper;
  pid: number;
  /** The local API socket. */
  socket: string;
  stop(): Promise<void>;
}

/**
 * Writes `dir/<name>.yaml`: the example config's text with this run's device id, key, pinned hub key, outbox, socket
 * and log level, an absent serial port (retried, as when a receiver is unplugged) and a broker port nothing listens on.
 */
export async function offlineExampleConfig(dir: string, name: string): Promise<{ file: string; socket: string }> {
  const example = join(ROOT, 'config', 'agent.example.yaml');
  const { keyFile } = await writeKeyFiles(join(dir, `${name}-keys`), await generateDeviceKey());
  // The hub's public key the uplink pins; no hub runs (the broker is unreachable), but the agent refuses to start without one.
  const { pubFile: hubPubFile } = await writeKeyFiles(join(dir, `${name}-hub-keys`), await generateDeviceKey(), false, 'hub');
  const socket = join(dir, `${name}.sock`);
  const port = await freePort();
  let text = readFileSync(example, 'utf8');
  const set = (key: RegExp, value: string) => {
    const matches = text.match(new RegExp(key.source, 'gm'));
    if (matches?.length !== 1) throw new Error(`${example}: expected one line matching ${key}, found ${matches?.length ?? 0}`);
    text = text.replace(new RegExp(key.source, 'm'), (_, lead: string) => `${lead}${JSON.stringify(value)}`);
  };
  set(/^(device_id:\s*)\S+/, name);
  set(/^(key_file:\s*)\S+/, keyFile);
  set(/^(\s+path:\s*)\S+outbox\.db/, join(dir, `${name}.outbox.db`));
  set(/^(\s+url:\s*)mqtt:\S+/, `mqtt://127.0.0.1:${port}`);
  set(/^(\s+hub_pubkey_file:\s*)\S+/, hubPubFile);
  set(/^(\s+path:\s*)\/dev\/\S+/, join(dir, `${name}-no-such-tty`));
  set(/^(\s+socket:\s*)\S+/, socket);
  set(/^(\s+level:\s*)info/, 'warn');
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, text);
  loadAgentConfig(file); // fails here, naming the line, if the example has changed shape
  return { file, socket };
}

/**
 * Starts `node NODE_FLAGS cli agent --config FILE` and resolves once its local API socket accepts.
 * `extraNodeArgs` (e.g. --trace-gc, --cpu-prof) are for looking into a figure.
 */
export async function startAgentProcess(cliJs: string, config: { file: string; socket: string }, label: string, extraNodeArgs: string[] = []): Promise<AgentProcess> {
  const helper = startHelper(label, process.execPath, [...NODE_FLAGS, ...extraNodeArgs, cliJs, 'agent', '--config', config.file]);
  const deadline = Date.now() + 60_000;
  while (!(await accepts(config.socket))) {
    if (helper.proc.exitCode !== null) throw new Error(`${label} exited with ${helper.proc.exitCode}:\n${helper.output().slice(-2000)}`);
    if (Date.now() > deadline) throw new Error(`${label}: local API socket not up within 60 s:\n${helper.output().slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    helper,
    pid: helper.proc.pid!,
    socket: config.socket,
    async stop() {
      const code = await helper.stop('SIGTERM', 15_000);
      if (code !== 0) throw new Error(`${label} exited with ${code} on SIGTERM:\n${helper.output().slice(-2000)}`);
    },
  };
}

function accepts(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection(path);
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

/** VmRSS and VmHWM (the kernel's peak resident set) of a process, in bytes, from /proc (Linux). */
export function residentSet(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}
