/**
 * The messages between the language server's run manager (src/server/runs/) and the engine
 * worker process (src/engine/worker.ts, bundled to out/worker.cjs), over Node IPC
 * (`child_process.fork`, JSON serialisation). Typed once here and imported by both ends;
 * neither end is VS Code, so this is not in src/protocol.ts.
 *
 * One worker process runs one job: the parent sends `start`, may send `cancel`, and the
 * worker answers with `progress` messages and exactly one `done` or `failed`, then exits.
 */
import type { InvResult } from './results.js';
import type { OracleSpec, RunSpec } from './spec.js';

/** What one worker is asked to do. */
export type WorkerJob =
    /** Run an inversion or synthesis; `trainFirst` is its oracle when it has `data` but no model yet. */
    | { kind: 'run'; spec: RunSpec; trainFirst: boolean }
    /** Fit an oracle that has `data` (the `▶ Train` lens). */
    | { kind: 'train'; oracle: OracleSpec };

export type ToWorker =
    | { type: 'start'; job: WorkerJob }
    /** Stop as soon as possible and send what was found so far. */
    | { type: 'cancel' };

export interface WorkerProgress {
    phase: 'training-oracle' | 'running';
    /** Steps (running) or epochs (training-oracle) done so far, and how many there will be. */
    step: number;
    steps: number;
    loss: number;
    meeting: number | null;
}

/** What training an oracle produced, in the words the editor shows. */
export interface WorkerTrainSummary {
    oracle: string;
    modelPath: string;
    epochs: number;
    seconds: number;
    testRmse: Record<string, number>;
    backend: string;
    cancelled: boolean;
}

export type FromWorker =
    | { type: 'progress'; progress: WorkerProgress }
    /** A run finished (also when cancelled or diverged: `result.stoppedBecause` says which). */
    | { type: 'result'; result: InvResult }
    /** An oracle was trained (the `train` job). */
    | { type: 'trained'; summary: WorkerTrainSummary }
    /** The job failed; `message` says what went wrong and what to do. */
    | { type: 'failed'; message: string }
    /** The worker's resident memory, sent every MEMORY_WATCH_MS (where the parent cannot read /proc). */
    | { type: 'memory'; rssBytes: number };

/**
 * Test hook (never set in production): `INV_TEST_WORKER_FAULT` in the worker's environment
 * makes the worker fail on purpose once a job starts, so tests can check that a dead worker
 * becomes a clear error and the server lives on.
 *   exit  -> process.exit(70) without answering
 *   oom   -> allocates until V8 runs out of heap (use with a small INV_WORKER_HEAP_MB)
 *   hang  -> computes forever without yielding, so a cancel message is never read (the
 *            run manager must kill it after the grace period)
 *   grow  -> allocates memory outside the JavaScript heap (as tensors do) until stopped
 *            (use with a small INV_MEMORY_LIMIT_MB: the run manager's watch must stop it)
 *   sigkill -> is killed by SIGKILL from outside the run manager (as by a user, or the system)
 */
export const WORKER_FAULT_ENV = 'INV_TEST_WORKER_FAULT';

/** The worker's V8 heap limit in MiB (`--max-old-space-size`); the run manager reads it. */
export const WORKER_HEAP_ENV = 'INV_WORKER_HEAP_MB';
export const DEFAULT_WORKER_HEAP_MB = 4096;

/** Progress messages are sent at most this often (ms); the last step is always sent. */
export const PROGRESS_INTERVAL_MS = 100;
