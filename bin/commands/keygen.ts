// `fieldproof keygen --out DIR`: writes a device's Ed25519 key pair and prints its key id.
// The private key file is mode 0600; the .pub goes into the hub's device registry.
import type { Command } from 'commander';
import { generateDeviceKey, writeKeyFiles } from '../../proto/index.js';
import { action, printJson } from '../cli-support.js';

export function registerKeygen(program: Command): void {
  program.command('keygen')
    .description('create a device key pair: DIR/device.key (0600) and DIR/device.pub; prints the key id')
    .requiredOption('--out <dir>', 'folder to write the key files into')
    .option('--force', 'replace an existing device.key', false)
    .option('--json', 'print a JSON object instead of text', false)
    .action(action(async (opts: { out: string; force: boolean; json: boolean }) => {
      const key = await generateDeviceKey();
      const files = await writeKeyFiles(opts.out, key, opts.force);
      if (opts.json) printJson({ keyId: key.keyId, ...files });
      else process.stdout.write(`key id ${key.keyId}\n  private ${files.keyFile} (mode 0600)\n  public  ${files.pubFile}\n`);
    }));
}
