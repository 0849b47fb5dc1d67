// `fieldproof verify PACKET`: checks an evidence packet offline with proto/packet alone and prints what is proven,
// what is missing and what failed per device; exit 0 only when every check holds. `verify` routes packets here.
import { existsSync } from 'node:fs';
import { openPacketFile, readPublicKey, sniffFile } from '../../proto/node.js';
import { verdictText, verifyPacket } from '../../proto/packet/index.js';
import { CliError, EXIT_FAILED, EXIT_OK, printJson } from '../cli-support.js';

export interface VerifyPacketOpts {
  hubPubkey?: string[];
  extends?: string;
  json: boolean;
}

export async function isPacket(file: string): Promise<boolean> {
  return (await sniffFile(file)) === 'packet';
}

export async function verifyPacketFile(file: string, opts: VerifyPacketOpts): Promise<number> {
  if (opts.hubPubkey && opts.hubPubkey.length > 1) throw new CliError('--hub-pubkey: a packet is signed by one hub; give its one public key');
  const hubPublicKey = opts.hubPubkey?.map(readPublicKey)[0];
  if (opts.extends !== undefined) {
    if (!existsSync(opts.extends)) throw new CliError(`--extends: ${opts.extends}: no such file`);
    if (!(await isPacket(opts.extends))) throw new CliError(`--extends: ${opts.extends} is not an evidence packet (a tar archive from \`fieldproof export\`)`);
  }
  const { ProgressLine, megabytes } = await import('../../hub/export/progress.js');
  const packet = await openPacketFile(file);
  const earlier = opts.extends !== undefined ? await openPacketFile(opts.extends) : undefined;
  const progress = new ProgressLine((t) => process.stderr.write(t), process.stderr.isTTY === true && !opts.json);
  try {
    const verdict = await verifyPacket(packet, {
      hubPublicKey, earlier,
      onProgress: (done, total) => progress.update(`verify: ${megabytes(done)} of ${megabytes(total)} of segments`, done),
    });
    progress.finish();
    if (opts.json) printJson(verdict);
    else process.stdout.write(verdictText(verdict, file));
    return verdict.ok ? EXIT_OK : EXIT_FAILED;
  } finally {
    progress.finish();
    await packet.close();
    await earlier?.close();
  }
}
