// `fieldproof export`: an evidence packet (docs/evidence-format.md) from the hub's store, signed with the hub's key,
// for an assessor to check offline with `fieldproof verify PACKET`. Read-only on the store; progress on a TTY.
import type { Command } from 'commander';
import { defaultHubConfig, loadHubConfig } from '../../config/index.js';
import { loadOddFile } from '../../config/odd-config.js';
import { readDeviceKey } from '../../proto/node.js';
import { action, CliError, EXIT_OK, printJson } from '../cli-support.js';

interface ExportOpts {
  config?: string; store?: string; out: string; key?: string; device?: string[]; since?: number; until?: number; matrix?: string; odd?: string; json: boolean;
}

/** An ISO 8601 time or Unix milliseconds. */
function time(flag: string) {
  return (v: string): number => {
    const ms = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
    if (!Number.isFinite(ms)) throw new CliError(`${flag}: expected an ISO 8601 time (2026-01-31T12:00Z) or Unix milliseconds, got "${v}"`);
    return ms;
  };
}

export function registerExport(program: Command): void {
  program.command('export')
    .description('write an evidence packet: raw sealed segments, device keys, hub checkpoints, reports and a signed manifest, in one tar file')
    .requiredOption('--out <file>', 'the packet to write (a tar archive)')
    .option('-c, --config <file>', 'hub config (store and key_file)')
    .option('--store <path>', 'SQLite store file (overrides store.path)')
    .option('--key <file>', 'the hub\'s private key, which signs the manifest and the checkpoints (overrides key_file)')
    .option('--device <id...>', 'only these devices (default: every device with records)')
    .option('--since <time>', 'records captured at or after this time (ISO 8601 or Unix ms)', time('--since'))
    .option('--until <time>', 'records captured before this time', time('--until'))
    .option('--matrix <id>', 'only the devices whose latest Boot named this matrix run')
    .option('--odd <file>', 'operating-domain taxonomy the reports classify under (default: config/odd/default.yaml)')
    .option('--json', 'print the summary as JSON', false)
    .action(action(async (opts: ExportOpts) => {
      const config = opts.config ? loadHubConfig(opts.config) : defaultHubConfig();
      if (opts.store) config.store = { ...config.store, driver: 'sqlite', path: opts.store };
      const keyFile = opts.key ?? config.key_file;
      if (!keyFile) throw new CliError('--key: the hub\'s private key is needed to sign the packet (make one with `fieldproof keygen --out DIR --name hub`)');
      if (opts.since !== undefined && opts.until !== undefined && opts.since >= opts.until) throw new CliError('--since must be before --until');
      const hubKey = await readDeviceKey(keyFile);
      const taxonomy = loadOddFile(opts.odd);
      const { exportPacket, megabytes, ProgressLine, ScopeError } = await import('../../hub/export/index.js');
      const { openStore } = await import('../../hub/index.js');
      const store = await openStore(config.store);
      const progress = new ProgressLine((t) => process.stderr.write(t), process.stderr.isTTY === true);
      try {
        const summary = await exportPacket({
          store, out: opts.out, hubKey, taxonomy,
          scope: { devices: opts.device, matrixId: opts.matrix, sinceMs: opts.since, untilMs: opts.until },
          onProgress: (p) => progress.update(`export: device ${p.devicesDone + 1}/${p.devicesTotal} ${p.device}  ${p.records} records  ${megabytes(p.bytes)}`, p.bytes),
        }).catch((err: Error) => {
          throw err instanceof ScopeError ? new CliError(err.message) : err;
        });
        progress.finish();
        if (opts.json) {
          printJson(summary);
          return EXIT_OK;
        }
        const lines = [`${summary.out}: ${summary.devices.length} device(s), ${summary.records} records, ${summary.decisions} decisions, ${summary.handovers} handovers; ${summary.files} files, ${megabytes(summary.bytes)}; signed by hub key ${summary.hubKeyId}`];
        for (const d of summary.devices) lines.push(`  ${d.device}: seq ${d.first_seq}..${d.last_seq}, ${d.records} records in ${d.segments} segments, hub checkpoint at seq ${d.checkpoint_seq}`);
        if (summary.devices.length === 0) lines.push('  no device has records in this scope: the packet holds reports only');
        lines.push(`check it with: fieldproof verify ${summary.out} --hub-pubkey <hub.pub>`);
        process.stdout.write(`${lines.join('\n')}\n`);
        return EXIT_OK;
      } finally {
        progress.finish();
        await store.close();
      }
    }));
}
