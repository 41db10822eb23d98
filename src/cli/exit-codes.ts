/** Exit statuses of `inv` (CLI-AND-RESULTS.md). */
export const ExitCode = {
    ok: 0,
    /** The file or its data has errors; nothing was run or trained. */
    errors: 1,
    /** Unknown flag, missing file. */
    usage: 2,
    /** A run failed: model unreadable, out of memory, diverged, ... */
    runFailed: 3,
    /** Ctrl-C. */
    cancelled: 130,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
