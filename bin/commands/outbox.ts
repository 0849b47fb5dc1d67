// `fieldproof outbox --config FILE`: counts in an agent's outbox (records, sealed, unsent, bytes, oldest unsent).
// Read-only; safe while the agent runs.
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { loadAgentConfig } from '../../config/index.js';
import { toHex } from '../../proto/index.js';
import { action, CliError, printJson } from '../cli-support.js';

export function registerOutbox(program: Command): void {
  program.command('outbox')
    .description('print what an agent\'s outbox holds: records, sealed, unsent, bytes, oldest unsent')
    .requiredOption('-c, --config <file>', 'agent config (YAML)')
    .option('--json', 'print a JSON object instead of text', false)
    .action(action(async (opts: { config: string; json: boolean }) => {
      const config = loadAgentConfig(opts.config);
      if (!existsSync(config.outbox.path)) throw new CliError(`${config.outbox.path}: no outbox yet (start the agent or capture a record first)`);
      const { openOutboxDatabase } = await import('../../agent/outbox/database.js');
      const { outboxStats } = await import('../../agent/outbox/stats.js');
      const { readReceipts } = await import('../../agent/outbox/receipts.js');
      const db = openOutboxDatabase(config.outbox.path, { readonly: true });
      try {
        const s = outboxStats(db);
        const receipts = readReceipts(db).map((r) => ({
          hubKeyId: r.hubKeyId, seq: r.seq, hash: toHex(r.hash), hubTime: new Date(Number(r.hubTimeUnixNs / 1_000_000n)).toISOString(),
        }));
        if (opts.json) return printJson({ ...s, receipts });
        const pct = ((s.bytes / config.outbox.quota_bytes) * 100).toFixed(1);
        process.stdout.write([
          `outbox ${config.outbox.path} (device ${s.deviceId})`,
          `  records        ${s.records}  (${s.records ? `seq ${s.ackedSeq + 1}..${s.headSeq} held` : "none held"}; hub acknowledged through ${s.ackedSeq})`,
          `  sealed         ${s.sealed} in ${s.segments} segments; ${s.unsealed} in the open segment`,
          `  unsent         ${s.unsent}  (critical pending: ${s.criticalPending})`,
          `  bytes          ${s.bytes} of quota ${config.outbox.quota_bytes} (${pct}%)`,
          `  oldest unsent  ${s.oldestUnsent ?? '-'}`,
          `  evicted        ${s.evictedTotal} records (each range named by a Gap record)`,
          ...(receipts.length ? receipts.map((r) => `  hub receipt    key ${r.hubKeyId}: stored through seq ${r.seq} (hash ${r.hash.slice(0, 16)}…) at ${r.hubTime}`) : ['  hub receipt    none yet']),
          '',
        ].join('\n'));
      } finally {
        db.close();
      }
    }));
}
