// agent/sources/serial: serial ports (NMEA 0183 GNSS, MAVLink v2) as agent sources, reconnecting
// across unplug/replug. Loaded lazily by agent/sources; node-mavlink only for MAVLink ports.
export { createSerialSource, type SerialSourceOptions } from './serial-source.js';
export type { PortFactory, SerialPortLike } from './port.js';
export type { PortCounters } from './reconnecting-port.js';
export type { CaptureCounters } from './capture-queue.js';
