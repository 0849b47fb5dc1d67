// `fieldproof keygen --out DIR [--name hub]`: writes an Ed25519 key pair (a device's or a hub's) and
// prints its key id. The private key file is mode 0600; a device's .pub goes into the hub's registry, a hub's to its agents.
import type { Command } from 'commander';
import { generateDeviceKey, writeKeyFiles } from '../../proto/node.js';
import { action, CliError, printJson } from '../cli-support.js';

export function registerKeygen(program: Command): void {
  program.command('keygen')
    .description('create a key pair: DIR/<name>.key (0600) and DIR/<name>.pub; prints the key id (never overwrites without --force)')
    .requiredOption('--out <dir>', 'folder to write the key files into')
    .option('--name <name>', 'file name: "device" for an agent, "hub" for a hub (its .pub is what agents pin)', 'device')
    .option('--force', 'replace an existing key file', false)
    .option('--json', 'print a JSON object instead of text', false)
    .action(action(async (opts: { out: string; name: string; force: boolean; json: boolean }) => {
      if (!/^[A-Za-z0-9._-]+$/.test(opts.name)) throw new CliError(`--name: expected letters, digits, ".", "_" or "-", got "${opts.name}"`);
      const key = await generateDeviceKey();
      const files = await writeKeyFiles(opts.out, key, opts.force, opts.name);
      if (opts.json) printJson({ keyId: key.keyId, ...files });
      else process.stdout.write(`key id ${key.keyId}\n  private ${files.keyFile} (mode 0600)\n  public  ${files.pubFile}\n`);
    }));
}
