// The node flags every fieldproof process runs with: the shebang of bin/fieldproof.ts carries them, and the
// benchmarks pass the same ones, so what they measure is what ships. A test holds the two in step.

/**
 * Sized for a companion computer's memory budget; without them a whole agent fed 1M conditions over its
 * local API peaked at about 160 MB of RSS, with them under 100 MB, at the same rate (npm run bench, memory).
 *
 * - `--max-semi-space-size=4`: under a steady stream of records V8 grows the young generation to
 *   2 x 16 MB; 4 MB semi-spaces hold it at 8 MB.
 * - `--no-allocation-site-pretenuring`: with a small young generation V8 sees records in flight survive a
 *   scavenge and starts allocating every later record straight into the old generation (which then grew
 *   to 60 MB); off, they stay young and die young.
 * - `--heap-growing-percent=25`: a full GC once the old generation is 1.25x what the last one left live,
 *   not up to 4x; records that do get promoted are swept before they pile up in RSS.
 * - `--v8-pool-size=1`: one V8 helper thread rather than four, each with its own malloc arena.
 */
export const NODE_FLAGS = ['--max-semi-space-size=4', '--no-allocation-site-pretenuring', '--heap-growing-percent=25', '--v8-pool-size=1'] as const;

/**
 * The shebang line that runs the CLI with NODE_FLAGS. `env -S` splits it: GNU coreutils 8.30+, macOS and
 * FreeBSD have it; BusyBox (Alpine, many Buildroot and Yocto images) does not, so there run
 * `node <NODE_FLAGS> dist/bin/fieldproof.js` (the agent warns when started without them).
 */
export const SHEBANG = `#!/usr/bin/env -S node ${NODE_FLAGS.join(' ')}`;

/** Which of NODE_FLAGS this process was started without (node invoked directly, or BusyBox `env`, which lacks -S). */
export function missingNodeFlags(execArgv: readonly string[] = process.execArgv): string[] {
  return NODE_FLAGS.filter((flag) => !execArgv.includes(flag));
}
