/**
 * What the code lenses need to know about runs and trainings in progress or finished. The
 * language runs nothing; the language server's runs module (src/server/inv-server-module.ts)
 * replaces this service with its own, and the lenses become `■ Cancel` while a run goes
 * and show its summary after. By default (the CLI, tests) no run exists.
 */
import type { RunTarget, TrainTarget } from '../../protocol.js';

export type RunLensState =
    /** In progress: `label` says how far (e.g. "step 1200/3000 · loss 3.1"). */
    | { kind: 'running'; runId: string; label: string }
    /** Done: `summary` is the lens text (e.g. "✓ y = 1899.7 · 250/256 meet · 2.4 s · wasm"). */
    | { kind: 'finished'; summary: string; hasResults: boolean };

export interface RunStateSource {
    /** The latest run of an inversion or synthesis, if any. */
    runState(target: RunTarget): RunLensState | undefined;
    /** The latest training of an oracle, if any. */
    trainState(target: TrainTarget): RunLensState | undefined;
}

/** The default: the server knows of no runs, so every lens offers to start one. */
export class NoRunState implements RunStateSource {
    runState(): RunLensState | undefined { return undefined; }
    trainState(): RunLensState | undefined { return undefined; }
}
