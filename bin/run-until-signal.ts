// SIGINT/SIGTERM for the CLI: the first signal starts a clean stop, a relayed repeat is ignored, a deliberate second
// one forces exit. runUntilSignal keeps a daemon (`agent`, `hub`) up until then; `demo` and `sim` watch the signals.

/** Wrappers (npx, tsx) relay Ctrl-C to a child that the terminal also signals: one press, two signals. */
const REPEAT_GRACE_MS = 2000;

export interface StopSignals {
  /** True once the first SIGINT/SIGTERM has arrived. */
  stopped(): boolean;
  /** Removes the handlers. */
  dispose(): void;
}

/** Calls `onFirst` on the first SIGINT/SIGTERM; a repeat within the grace is ignored, a later one exits 130. */
export function watchStopSignals(onFirst: (signal: NodeJS.Signals) => void): StopSignals {
  let firstAt: number | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (firstAt !== undefined) {
      if (Date.now() - firstAt < REPEAT_GRACE_MS) return;
      process.stderr.write(`fieldproof: ${signal} again, exiting without a clean stop\n`);
      process.exit(130);
    }
    firstAt = Date.now();
    onFirst(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    stopped: () => firstAt !== undefined,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/**
 * Resolves with the signal once `stop` has run after the first one (an error in it is reported, exit code 1).
 * Until then the process stays up even with nothing scheduled: an agent with no sources and no uplink
 * still seals what `fieldproof capture` appends (its timers do not hold the process on their own).
 */
export function runUntilSignal(stop: (signal: string) => Promise<void>): Promise<string> {
  const keepAlive = setInterval(() => {}, 2 ** 30);
  return new Promise((resolve) => {
    watchStopSignals((signal) => {
      stop(signal).finally(() => clearInterval(keepAlive)).then(() => resolve(signal), (err: Error) => {
        process.stderr.write(`fieldproof: error while stopping: ${err.message}\n`);
        process.exitCode = 1;
        resolve(signal);
      });
    });
  });
}
