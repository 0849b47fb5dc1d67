// proto/ for Node only: key files on disk. Kept out of proto/index.ts so the wire contract, seals and
// checkpoints load in a browser (the offline evidence verifier); agent, hub and CLI import this too.
export { generateDeviceKey, writeKeyFiles, readDeviceKey, readPublicKey } from './key-files.js';
