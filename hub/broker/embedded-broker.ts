// The embedded MQTT broker (aedes, MQTT 3.1.1) for one-machine setups and the demo.
// The only file that touches aedes. Listens on loopback by default.
import { Aedes } from 'aedes';
import { createServer, type Server } from 'node:net';

export interface EmbeddedBroker {
  host: string;
  port: number;
  url: string;
  close(): Promise<void>;
}

export async function startEmbeddedBroker(options: { host?: string; port?: number } = {}): Promise<EmbeddedBroker> {
  const host = options.host ?? '127.0.0.1';
  const broker = await Aedes.createBroker();
  // noDelay: the broker forwards acks and small critical segments at once, not after a delayed ACK.
  const server: Server = createServer({ noDelay: true }, broker.handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(new Error(err.code === 'EADDRINUSE'
        ? `embedded broker: ${host}:${options.port} is already in use (another broker running?); pick --port or use --mqtt URL`
        : `embedded broker: ${err.message}`));
    });
    server.listen(options.port ?? 1883, host, () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  return {
    host,
    port,
    url: `mqtt://${host}:${port}`,
    close: () => new Promise<void>((resolve) => {
      // Close the broker first: it disconnects its clients, which lets the server close.
      broker.close(() => server.close(() => resolve()));
    }),
  };
}
