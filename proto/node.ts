// proto/ for Node only: key files and evidence packets on disk. Kept out of proto/index.ts so the wire contract,
// seals, checkpoints and the packet verifier load in a browser; agent, hub and CLI import this too.
export { generateDeviceKey, writeKeyFiles, readDeviceKey, readPublicKey } from './key-files.js';
export { openPacketFile, sniffFile, type PacketFile } from './packet-file.js';
