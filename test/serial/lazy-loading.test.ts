// node-mavlink is heavy (it drags TypeScript along): an NMEA-only agent must never load it. Checked in
// a fresh child process, with a MAVLink source started afterwards as the control that the probe sees it.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('lazy loading', () => {
  it('an NMEA port never loads node-mavlink; a MAVLink port does', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'test/fixtures/serial/module-probe.ts'], { cwd: root, timeout: 25_000 });
    const seen = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
    expect(seen).toEqual({ nmea: { nodeMavlink: false, serialport: true }, mavlink: { nodeMavlink: true, serialport: true } });
  });
});
