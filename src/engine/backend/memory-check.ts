/**
 * The last word on a job's memory, when it starts: its estimate (contract/memory-estimate.ts)
 * against this machine, the JavaScript heap of this process and the backend it actually runs
 * on (`auto` is resolved by now, so a run that cannot fit the wasm heap is refused here with
 * its estimate, instead of failing later with "memory access out of bounds").
 */
import { getHeapStatistics } from 'node:v8';

import { EngineError } from '../contract/errors.js';
import { estimateMemory, judgeMemory, type JobSizes } from '../contract/memory-estimate.js';
import { machineMemoryBytes } from '../contract/resident-memory.js';
import type { BackendName } from '../contract/spec.js';
import { fusedActive } from './backend.js';
import { tf } from './tf.js';

/**
 * Throws an EngineError, naming `what`, when the job cannot fit; nothing has started then. A
 * run is judged on the way it will compute: the fused kernel when that backend was chosen
 * (a run it cannot take falls back to TF.js and says so), TF.js on the backend it got.
 */
export function refuseIfOverMemory(what: string, sizes: JobSizes): void {
    const fused = fusedActive() && sizes.kind !== 'training';
    const verdict = judgeMemory(estimateMemory(sizes, fused ? 'fused' : 'tfjs'), {
        machineBytes: machineMemoryBytes(),
        backend: fused ? 'wasm-fused' : (tf.getBackend() as BackendName),
        heapLimitBytes: getHeapStatistics().heap_size_limit,
    });
    if (verdict.level === 'error') throw new EngineError(`${what} was not started: it ${verdict.message}`);
}
