// A serial port as an agent source: keeps the port open across unplug/replug and feeds its bytes
// to the configured protocol (NMEA 0183 or MAVLink, the latter loaded only when asked for).
import type { SerialSourceConfig } from '../../../config/index.js';
import type { Source, SourceContext } from '../source.js';
import { CaptureQueue } from './capture-queue.js';
import { createNmeaHandler } from './nmea/nmea-handler.js';
import { openSerialPort, type PortFactory } from './port.js';
import type { ProtocolContext, ProtocolHandler } from './protocol.js';
import { ReconnectingPort } from './reconnecting-port.js';

export interface SerialSourceOptions {
  /** Opens the port; a fake in tests. Defaults to the real serial port. */
  portFactory?: PortFactory;
}

export function createSerialSource(config: SerialSourceConfig, ctx: SourceContext, options: SerialSourceOptions = {}): Source {
  const sourceId = `serial:${config.name}`;
  const label = `sources.serial "${config.name}"`;
  const log = ctx.log.child({ source: sourceId });
  // the agent's context, with log lines tagged by port (built field by field: ctx may be a class)
  const scoped: SourceContext = {
    deviceId: ctx.deviceId,
    clock: ctx.clock,
    log,
    capture: (body, o) => ctx.capture(body, o),
    evaluate: () => ctx.evaluate(),
  };
  const queue = new CaptureQueue(scoped, label);
  let handler: ProtocolHandler | undefined;
  const port = new ReconnectingPort({
    label,
    path: config.path,
    baudRate: config.baud,
    reconnectMs: config.reconnect_ms,
    factory: options.portFactory ?? openSerialPort,
    log,
    onData: (chunk) => handler?.push(chunk),
    onOpen: () => handler?.reset?.(),
  });

  return {
    name: sourceId,
    async start() {
      if (!handler) handler = await loadHandler({ config, ctx: scoped, queue, sourceId });
      port.start();
    },
    async stop() {
      await port.stop();
      handler?.close?.();
      await queue.drain();
    },
    counters: () => ({ ...port.counters(), connected: port.connected ? 1 : 0, ...handler?.counters(), ...queue.counters() }),
  };
}

async function loadHandler(p: ProtocolContext): Promise<ProtocolHandler> {
  switch (p.config.protocol) {
    case 'nmea':
      return createNmeaHandler(p);
    case 'mavlink': {
      // node-mavlink is heavy: it loads with the first MAVLink port, never for NMEA-only setups
      let mavlink: typeof import('./mavlink/mavlink-handler.js');
      try {
        mavlink = await import('./mavlink/mavlink-handler.js');
      } catch (err) {
        throw new Error(`sources.serial "${p.config.name}": MAVLink support did not load (${(err as Error).message}); run npm ci, or set protocol: nmea if this port speaks NMEA`);
      }
      return mavlink.createMavlinkHandler(p);
    }
  }
}
