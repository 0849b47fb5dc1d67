// The reconnect loop with a fake port: missing at start, unplugged while open, a factory that throws,
// errors in the data handler, the reopen hook; one log line per outage and stop() that really stops. No real I/O.
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../agent/observability.js';
import { createSerialSource } from '../../agent/sources/serial/index.js';
import { px4CustomMode } from '../../agent/sources/serial/mavlink/mode-names.js';
import type { SerialPortLike } from '../../agent/sources/serial/port.js';
import { ReconnectingPort } from '../../agent/sources/serial/reconnecting-port.js';
import { waitFor } from '../helpers/wait-for.js';
import { fakeContext, portConfig } from './fake-context.js';
import { gpsRawInt, heartbeat } from './mavlink-frames.js';

/** A device that is either plugged in or not; each open() makes a new port like the real factory. */
class FakeDevice {
  present = false;
  current: FakePort | undefined;
  opened = 0;
  factory = (): SerialPortLike => new FakePort(this);
}

class FakePort extends EventEmitter implements SerialPortLike {
  isOpen = false;
  constructor(private readonly device: FakeDevice) {
    super();
  }
  open(cb: (err: Error | null) => void): void {
    setImmediate(() => {
      if (!this.device.present) return cb(new Error('No such file or directory, cannot open /dev/fake'));
      this.isOpen = true;
      this.device.current = this;
      this.device.opened++;
      cb(null);
    });
  }
  close(cb?: (err: Error | null) => void): void {
    this.isOpen = false;
    setImmediate(() => {
      this.emit('close', null);
      cb?.(null);
    });
  }
  unplug(): void {
    this.isOpen = false;
    this.emit('error', new Error('EIO'));
    this.emit('close', Object.assign(new Error('bad file descriptor'), { disconnected: true }));
  }
}

function recordingLog() {
  const lines: { level: string; msg: string }[] = [];
  const at = (level: string) => (_obj: unknown, msg: string) => void lines.push({ level, msg });
  const log = { info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug') } as unknown as Logger;
  return { log, lines, warnings: () => lines.filter((l) => l.level === 'warn') };
}

const ports: ReconnectingPort[] = [];
afterEach(async () => {
  await Promise.all(ports.splice(0).map((p) => p.stop()));
});

function makePort(device: FakeDevice, onData: (chunk: Buffer) => void = () => {}) {
  const rec = recordingLog();
  const port = new ReconnectingPort({ label: 'sources.serial "fake"', path: '/dev/fake', baudRate: 9600, reconnectMs: 20, factory: device.factory, log: rec.log, onData });
  ports.push(port);
  return { port, ...rec };
}

describe('reconnecting port', () => {
  it('waits for a port that is missing at start, logging the outage once', async () => {
    const device = new FakeDevice();
    const { port, warnings, lines } = makePort(device);
    port.start();
    await waitFor('several failed attempts', () => port.counters().open_errors >= 5);
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0].msg).toMatch(/cannot open \/dev\/fake .*retrying every 20 ms/);
    device.present = true;
    await waitFor('the port to open', () => port.connected);
    expect(port.counters()).toMatchObject({ opens: 1, reconnects: 0 });
    expect(lines.at(-1)?.msg).toMatch(/opened \/dev\/fake/);
  });

  it('reopens after an unplug and counts the reconnect; data goes to the handler', async () => {
    const device = new FakeDevice();
    device.present = true;
    const seen: string[] = [];
    const { port, warnings, lines } = makePort(device, (c) => seen.push(c.toString()));
    port.start();
    await waitFor('open', () => port.connected);
    device.current!.emit('data', Buffer.from('one'));
    device.present = false;
    device.current!.unplug();
    await waitFor('failed reopen attempts', () => port.counters().open_errors >= 3);
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0].msg).toMatch(/went away/);
    device.present = true;
    await waitFor('the port to be reopened', () => port.counters().reconnects === 1 && port.connected);
    device.current!.emit('data', Buffer.from('two'));
    expect(seen).toEqual(['one', 'two']);
    expect(port.counters()).toMatchObject({ opens: 2, reconnects: 1, disconnects: 1, bytes: 6 });
    expect(lines.at(-1)?.msg).toMatch(/is back/);
  });

  it('survives a factory that throws and a data handler that throws', async () => {
    const device = new FakeDevice();
    let calls = 0;
    const rec = recordingLog();
    const port = new ReconnectingPort({
      label: 'x', path: '/dev/fake', baudRate: 9600, reconnectMs: 20, log: rec.log,
      factory: () => {
        if (++calls < 3) throw new Error('invalid options');
        return device.factory();
      },
      onData: () => {
        throw new Error('boom');
      },
    });
    ports.push(port);
    device.present = true;
    port.start();
    await waitFor('open after the factory recovers', () => port.connected);
    device.current!.emit('data', Buffer.from('a'));
    device.current!.emit('data', Buffer.from('b'));
    expect(port.counters()).toMatchObject({ open_errors: 2, data_errors: 2, opens: 1 });
    expect(rec.lines.filter((l) => l.level === 'error')).toHaveLength(1);
  });

  it("calls onOpen on every open, before the new port's data; a throwing onOpen is counted, not fatal", async () => {
    const device = new FakeDevice();
    device.present = true;
    const events: string[] = [];
    const rec = recordingLog();
    let opens = 0;
    const port = new ReconnectingPort({
      label: 'x', path: '/dev/fake', baudRate: 9600, reconnectMs: 20, log: rec.log, factory: device.factory,
      onData: (c) => events.push(`data ${c.toString()}`),
      onOpen: () => {
        events.push('open');
        if (++opens === 2) throw new Error('boom');
      },
    });
    ports.push(port);
    port.start();
    await waitFor('open', () => port.connected);
    device.current!.emit('data', Buffer.from('one'));
    device.current!.unplug();
    await waitFor('the port to be reopened', () => port.counters().reconnects === 1 && port.connected);
    device.current!.emit('data', Buffer.from('two'));
    expect(events).toEqual(['open', 'data one', 'open', 'data two']);
    expect(port.counters()).toMatchObject({ opens: 2, data_errors: 1 });
  });

  it('MAVLink: a frame cut by an unplug is dropped at the reopen, so the one HEARTBEAT after it is read at once', async () => {
    const device = new FakeDevice();
    device.present = true;
    const { ctx, handovers } = fakeContext();
    const source = createSerialSource(portConfig({ name: 'fc0', path: '/dev/fake', protocol: 'mavlink', autopilot: 'px4', reconnect_ms: 50 }), ctx, { portFactory: device.factory });
    try {
      await source.start();
      await waitFor('open', () => source.counters().connected === 1);
      device.current!.emit('data', heartbeat(px4CustomMode(3)));
      device.current!.emit('data', gpsRawInt().subarray(0, 20)); // its header promises 40 more bytes
      device.current!.unplug();
      await waitFor('the reopen', () => source.counters().reconnects === 1 && source.counters().connected === 1);
      device.current!.emit('data', heartbeat(px4CustomMode(4, 6)));
      expect(source.counters()).toMatchObject({ msg_heartbeat: 2 }); // decoded at once, not after an idle timeout
      await waitFor('the Handover to be captured', () => handovers().length === 1);
      expect(handovers()).toMatchObject([{ fromMode: 'POSCTL', toMode: 'AUTO.LAND' }]);
      expect(source.counters()).toMatchObject({ resets: 1, timeouts: 0, noise_bytes: 20 });
    } finally {
      await source.stop();
    }
  });

  it('stops retrying and closes the port on stop()', async () => {
    const device = new FakeDevice();
    const { port } = makePort(device);
    port.start();
    await waitFor('a failed attempt', () => port.counters().open_errors >= 1);
    await port.stop();
    const errors = port.counters().open_errors;
    device.present = true;
    await new Promise((r) => setTimeout(r, 100));
    expect(port.counters().open_errors).toBe(errors);
    expect(port.counters().opens).toBe(0);
  });
});
