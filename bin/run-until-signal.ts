// Keeps a daemon running until SIGINT/SIGTERM, then runs its clean stop once; a second signal forces exit.
// Shared by `fieldproof agent`, `fieldproof hub` and `fieldproof demo`.
export function runUntilSignal(stop: (signal: string) => Promise<void>): Promise<string> {
  return new Promise((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        process.stderr.write(`fieldproof: ${signal} again, exiting without a clean stop\n`);
        process.exit(130);
      }
      stopping = true;
      stop(signal).then(() => resolve(signal), (err: Error) => {
        process.stderr.write(`fieldproof: error while stopping: ${err.message}\n`);
        process.exitCode = 1;
        resolve(signal);
      });
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
