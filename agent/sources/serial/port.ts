// The serial port as this source uses it, described by a small interface of our own (SerialPortLike)
// so tests and other code can pass a fake. The only file that touches the `serialport` package.
import { SerialPort } from 'serialport';

/** What the source needs from a serial port: open, close, and its data/close/error events. */
export interface SerialPortLike {
  readonly isOpen: boolean;
  open(callback: (err: Error | null) => void): void;
  close(callback?: (err: Error | null) => void): void;
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  /** `err` is set when the port went away (USB unplugged, pty closed). */
  on(event: 'close', listener: (err?: Error | null) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  removeAllListeners(): unknown;
}

/** Makes a closed port for a path; opening it is the caller's move. */
export type PortFactory = (path: string, baudRate: number) => SerialPortLike;

/**
 * A real serial port (8N1, no flow control, exclusive lock), not yet opened. Never lists ports:
 * `SerialPort.list()` spawns udevadm and takes the process down where it is missing.
 */
export const openSerialPort: PortFactory = (path, baudRate) => new SerialPort({ path, baudRate, autoOpen: false });
