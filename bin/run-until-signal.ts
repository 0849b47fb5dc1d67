// Keeps a daemon running until SIGINT/SIGTERM, then runs its clean stop once; a second signal forces exit.
// Shared by `fieldproof agent` and `fieldproof hub`.

/** Wrappers (npx, tsx) relay Ctrl-C to a child that the terminal also signals: one press, two signals. */
const REPEAT_GRACE_MS = 2000;

export function runUntilSignal(stop: (signal: string) => Promise<void>): Promise<string> {
  return new Promise((resolve) => {
    let firstAt: number | undefined;
    const onSignal = (signal: NodeJS.Signals) => {
      if (firstAt !== undefined) {
        if (Date.now() - firstAt < REPEAT_GRACE_MS) return;
        process.stderr.write(`fieldproof: ${signal} again, exiting without a clean stop\n`);
        process.exit(130);
      }
      firstAt = Date.now();
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
