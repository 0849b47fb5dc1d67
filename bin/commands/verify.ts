// `fieldproof verify FILE`: checks an outbox database (every seal, every link, every hole explained, and
// the file beneath: quick_check, state row, raw WAL) and exits 1 naming the first bad seq or anomaly.
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { readPublicKey } from '../../proto/node.js';
import { action, CliError, EXIT_FAILED, EXIT_OK, printJson } from '../cli-support.js';

export function registerVerify(program: Command): void {
  program.command('verify')
    .description('verify an outbox database or an evidence packet (from `fieldproof export`): seals, chain links, seq continuity and Gap records; exit 1 naming the first bad seq')
    .argument('<file>', 'outbox database (.db) or evidence packet (.tar)')
    .option('--pubkey <file...>', 'trusted device public key(s) (device.pub); default: the key recorded in the outbox')
    .option('--hub-pubkey <file...>', 'hub public key(s) (hub.pub): check the hub receipts (signed checkpoints) the outbox keeps, or pin the hub that signed a packet')
    .option('--extends <packet>', 'packet only: an earlier packet this one must extend (same record at each of its checkpoints)')
    .option('--json', 'print the full report as JSON', false)
    .action(action(async (file: string, opts: { pubkey?: string[]; hubPubkey?: string[]; extends?: string; json: boolean }) => {
      if (!existsSync(file)) throw new CliError(`${file}: no such file`);
      const packets = await import('./verify-packet.js');
      if (await packets.isPacket(file)) return packets.verifyPacketFile(file, opts);
      if (opts.extends !== undefined) throw new CliError(`--extends: ${file} is not an evidence packet`);
      const keys = opts.pubkey?.map(readPublicKey);
      const { openOutboxDatabase } = await import('../../agent/outbox/database.js');
      const { verifyOutbox } = await import('../../agent/outbox/verify-outbox.js');
      const { checkReceipts } = await import('../../agent/outbox/check-receipts.js');
      const hubKeys = opts.hubPubkey?.map(readPublicKey);
      let db;
      try {
        db = openOutboxDatabase(file, { readonly: true });
      } catch (err) {
        throw new CliError((err as Error).message);
      }
      try {
        const report = verifyOutbox(db, keys, { path: file });
        const receipts = checkReceipts(db, hubKeys);
        const receiptsOk = receipts.every((r) => r.status === 'verified' || (r.status === 'unchecked' && !hubKeys));
        const ok = report.ok && receiptsOk;
        if (opts.json) {
          printJson({ ...report, ok, receipts: receipts.map((r) => ({ hubKeyId: r.receipt.hubKeyId, seq: r.receipt.seq, status: r.status, detail: r.detail })) });
          return ok ? EXIT_OK : EXIT_FAILED;
        }
        const range = report.firstSeq !== undefined ? `seq ${report.firstSeq}..${report.lastSeq}` : 'no records';
        const lines = [
          `${file}: device ${report.deviceId}, ${report.records} records (${range}) in ${report.segments} sealed segments, ${report.unsealed} unsealed`,
          `  seals checked against ${report.trust}`,
          `  gaps explained by Gap records: ${report.explainedGaps.map((g) => `${g.firstSeq}..${g.lastSeq}`).join(', ') || 'none'}`,
        ];
        for (const note of report.notes) lines.push(`  note: ${note}`);
        if (report.ok) lines.push('OK: every seal verifies, every link holds, every missing seq is accounted for');
        else if (report.problems.length) {
          lines.push(`FAILED at seq ${report.firstBadSeq}: ${report.problems[0].message}`);
          for (const p of report.problems.slice(1, 10)) lines.push(`  also seq ${p.seq} [${p.code}]: ${p.message}`);
          if (report.problems.length > 10) lines.push(`  ... ${report.problems.length - 10} more problems (use --json for all)`);
        } else {
          lines.push(`FAILED: ${report.anomalies[0].message}`);
        }
        for (const a of report.anomalies.slice(report.problems.length ? 0 : 1)) lines.push(`  file [${a.code}]: ${a.message}`);
        for (const r of receipts) lines.push(`  hub receipt [${r.status}] ${r.detail}`);
        if (receipts.length === 0) lines.push('  hub receipts: none kept yet');
        if (!receiptsOk) lines.push('FAILED: a hub receipt does not verify against this outbox (see above)');
        process.stdout.write(`${lines.join('\n')}\n`);
        return ok ? EXIT_OK : EXIT_FAILED;
      } finally {
        db.close();
      }
    }));
}
