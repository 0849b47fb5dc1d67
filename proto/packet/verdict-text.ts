// A packet verdict as the terminal shows it: the hub's signature, the files, then per device what is proven,
// what is missing and what failed (file, seq), the reports, and one closing line. Pure, so a page can print it too.
import type { PacketVerdict } from './verdict.js';

export function verdictText(v: PacketVerdict, name = 'packet', limit = 10): string {
  const lines: string[] = [];
  const created = v.created_unix_ms === null ? '' : `, created ${new Date(v.created_unix_ms).toISOString()}`;
  lines.push(`${name}: ${v.format ?? 'not an evidence packet'}${created}, ${v.devices.length} device(s), ${v.files.listed} files listed`);
  if (v.hub.key_id) {
    const pin = v.hub.pinned ? 'pinned (matches --hub-pubkey)' : 'hub key not pinned: pass --hub-pubkey hub.pub to check it is your hub';
    lines.push(`hub: manifest signed by key ${v.hub.key_id}: signature ${v.hub.signature}; ${pin}`);
  }
  const fileProblems = v.problems.filter((p) => !p.device && p.code.startsWith('FILE_'));
  if (v.files.listed) lines.push(`files: ${v.files.checked} of ${v.files.listed} read and hashed (${v.files.bytes} bytes)${fileProblems.length ? `; ${fileProblems.length} file problem(s) (below)` : '; every size and SHA-256 matches the manifest'}`);
  for (const d of v.devices) {
    lines.push('', `device ${d.device}: ${d.ok ? 'OK' : 'FAILED'}`);
    for (const s of d.proven) lines.push(`  proven: ${s}`);
    for (const s of d.missing) lines.push(`  missing: ${s}`);
    for (const p of d.problems.slice(0, limit)) lines.push(`  FAILED [${p.code}]${where(p)}: ${p.message}`);
    if (d.problems.length > limit) lines.push(`  ... ${d.problems.length - limit} more (use --json for all)`);
  }
  if (v.reports.checked.length) {
    const dropped = !v.reports.ok && v.devices.some((d) => d.problems.some((p) => p.code !== 'KEY_WINDOW' && p.code !== 'CHECKPOINT_NOT_REACHED'));
    lines.push('', `reports: cells, devices, ${v.reports.decisions} decisions and ${v.reports.handovers} handovers recomputed from the records: ${v.reports.ok ? 'every figure matches' : 'MISMATCH'}${dropped ? ' (records in segments that failed above are left out of the recomputation)' : ''}`);
  }
  if (v.extends) {
    lines.push('', `extends the packet of ${v.extends.earlier_created_unix_ms === null ? '?' : new Date(v.extends.earlier_created_unix_ms).toISOString()}: ${v.extends.ok ? 'yes' : 'NO'}`);
    for (const d of v.extends.devices) lines.push(`  ${d.device}: ${d.status}: ${d.message}`);
  }
  const general = v.problems.filter((p) => !p.device);
  if (general.length) lines.push('');
  for (const p of general.slice(0, limit)) lines.push(`FAILED [${p.code}]${where(p)}: ${p.message}`);
  if (general.length > limit) lines.push(`... ${general.length - limit} more (use --json for all)`);
  lines.push('', v.ok
    ? `OK: every check holds${v.hub.pinned ? '' : ' (hub key not pinned)'}`
    : `FAILED: ${v.problems.length} problem(s); first: [${v.problems[0].code}]${where(v.problems[0])}: ${v.problems[0].message}`);
  return `${lines.join('\n')}\n`;
}

function where(p: { file?: string; seq?: number; device?: string }): string {
  const parts = [p.file, p.device && `device ${p.device}`, p.seq !== undefined && `seq ${p.seq}`].filter(Boolean);
  return parts.length ? ` ${parts.join(', ')}` : '';
}
