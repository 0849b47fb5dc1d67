// The optional loopback UDP listener: one fire-and-forget JSON message per datagram, no reply.
// Binds to loopback only (the config schema refuses anything else).
import { createSocket, type Socket } from 'node:dgram';

export interface UdpListener {
  readonly port: number;
  close(): Promise<void>;
}

export async function listenUdp(host: string, port: number, onDatagram: (bytes: Buffer) => void): Promise<UdpListener> {
  const address = host === 'localhost' ? '127.0.0.1' : host;
  const socket: Socket = createSocket({ type: address.includes(':') ? 'udp6' : 'udp4' });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', (err: NodeJS.ErrnoException) => {
      const why = err.code === 'EADDRINUSE' ? 'already in use; choose another udp_port or set it to 0' : `cannot bind (${err.code ?? err.message})`;
      socket.close();
      reject(new Error(`sources.local_api.udp_port ${address}:${port}: ${why}`));
    });
    socket.bind(port, address, () => resolve());
  });
  socket.on('error', () => {}); // a datagram socket's errors after binding concern single datagrams
  socket.on('message', (bytes) => onDatagram(bytes));
  return {
    port: socket.address().port,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
