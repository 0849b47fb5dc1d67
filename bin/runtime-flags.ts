// The V8 flags every fieldproof process runs with: the shebang of bin/fieldproof.ts carries them, and the
// benchmarks pass the same ones, so what they measure is what ships. A test holds the two in step.

/**
 * Node's default young generation grows to 2 x 16 MB semi-spaces under a steady stream of records,
 * which alone is a third of the agent's memory budget; 4 MB semi-spaces keep it at 8 MB. With a small
 * young generation, V8's allocation-site pretenuring sees records in flight survive a scavenge and then
 * allocates every later record straight into the old generation, where it waits for a full GC (the old
 * generation grew to 60 MB in the memory benchmark); turning pretenuring off keeps them young.
 */
export const NODE_FLAGS = ['--max-semi-space-size=4', '--no-allocation-site-pretenuring'] as const;

/** The shebang line that runs the CLI with NODE_FLAGS (`env -S` splits it; coreutils 8.30+, macOS). */
export const SHEBANG = `#!/usr/bin/env -S node ${NODE_FLAGS.join(' ')}`;
