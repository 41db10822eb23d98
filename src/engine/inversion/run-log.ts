/**
 * The bookkeeping of a run loop that does not decide anything: it keeps each step's loss
 * (sampled, about LOSS_POINTS of them) and health probe on the backend until the next
 * check, reads them back in one transfer (`flush`), turns them into the loss curve and the
 * first divergence cause (divergence.ts), throttles progress events and yields to the event
 * loop so that cancel and IPC messages get through. Shared by inversions (invert.ts) and
 * syntheses (synthesize.ts).
 */
import type { Scalar, Tensor, Tensor1D } from '@tensorflow/tfjs';

import { describeHealth } from './divergence.js';
import type { FreeColumn } from './feature-transform.js';
import type { ProgramState, StepResult } from './inversion-program.js';
import type { StopReason } from '../contract/results.js';
import { tf } from '../backend/tf.js';

/** Steps between two yields to the event loop, so that cancel and IPC messages get through. */
const YIELD_EVERY = 10;
/** Least time between two progress events. */
const PROGRESS_MS = 100;
/** The loss curve keeps at most about this many points. */
const LOSS_POINTS = 1000;

/** How a run's loop ended: the state it keeps, and why and when it stopped. */
export interface RunOutcome {
    state: ProgramState;
    stepsRun: number;
    stoppedBecause: StopReason;
    loss: Array<[number, number]>;
    notes: string[];
}

export interface RunProgressEvent {
    step: number;
    steps: number;
    /** The accuracy loss (standardised) at the last step read. */
    loss: number;
    /** Solutions (a synthesis: rows of the batch or of the written set) meeting their targets at the last check; null before the first. */
    meeting: number | null;
    elapsedSeconds: number;
}

export class RunLog {
    readonly curve: Array<[number, number]> = [];
    private readonly lossEvery: number;
    private pending: Array<[number, Scalar | number]> = [];
    private health: Array<[number, Tensor1D | Float32Array]> = [];
    private lastLoss = NaN;
    private lastProgress = -Infinity;

    constructor(
        private readonly steps: number,
        private readonly free: FreeColumn[],
        private readonly outputs: string[],
        private readonly started: number,
        private readonly onProgress: ((p: RunProgressEvent) => void) | undefined,
    ) {
        this.lossEvery = Math.max(10, Math.ceil(steps / LOSS_POINTS));
    }

    /** Takes a step's loss and health (disposing what it does not keep). */
    record(step: number, result: StepResult): void {
        // A fused step's probe is read already: look at it now, keep only a bad one.
        if (!(result.health instanceof Float32Array) || !result.health.every(Number.isFinite)) this.health.push([step, result.health]);
        if (step % this.lossEvery === 0) this.pending.push([step, result.loss]);
        else if (typeof result.loss !== 'number') result.loss.dispose();
    }

    /**
     * Reads the sampled losses and the health codes of the steps since the last flush;
     * returns the cause of the first divergence among them, or null.
     */
    async flush(): Promise<string | null> {
        const [lossValues, probeValues] = await Promise.all([readAll(this.pending.map(([, t]) => t)), readAll(this.health.map(([, t]) => t))]);
        this.pending.forEach(([step], i) => this.curve.push([step, lossValues[i]]));
        if (lossValues.length > 0) this.lastLoss = lossValues[lossValues.length - 1];
        let cause: string | null = null;
        for (let i = 0; i < probeValues.length && cause === null; i++) cause = describeHealth(probeValues[i], this.health[i][0], this.free, this.outputs);
        tf.dispose([...this.pending, ...this.health].map(([, t]) => t).filter((t): t is Scalar | Tensor1D => typeof t !== 'number' && !(t instanceof Float32Array)));
        this.pending = [];
        this.health = [];
        return cause;
    }

    /** After step `step`: yields now and then, and reports progress at most every PROGRESS_MS. */
    async afterStep(step: number, meeting: number | null): Promise<void> {
        if (step % YIELD_EVERY === 0) await new Promise((r) => setImmediate(r));
        const now = performance.now();
        if (this.onProgress && now - this.lastProgress >= PROGRESS_MS) {
            this.lastProgress = now;
            // The newest sampled loss: one scalar read at most every PROGRESS_MS.
            const latest = this.pending[this.pending.length - 1];
            if (latest) this.lastLoss = typeof latest[1] === 'number' ? latest[1] : (await latest[1].data())[0];
            this.onProgress({ step: step + 1, steps: this.steps, loss: this.lastLoss, meeting, elapsedSeconds: (now - this.started) / 1000 });
        }
    }
}

/**
 * The values of same-shaped tensors (read back in one transfer) or plain values, one entry
 * per item: a scalar's number, or a vector's values.
 */
async function readAll<T extends Scalar | Tensor1D | number | Float32Array>(items: T[]): Promise<Array<T extends Scalar | number ? number : ArrayLike<number>>> {
    type Out = T extends Scalar | number ? number : ArrayLike<number>;
    const tensors = items.filter((t): t is Extract<T, Tensor> => typeof t !== 'number' && !(t instanceof Float32Array));
    let values: Float32Array | null = null;
    let width = 0;
    if (tensors.length > 0) {
        const stacked = tf.stack(tensors);
        values = (await stacked.data()) as Float32Array;
        width = tensors[0].size;
        stacked.dispose();
    }
    let next = 0;
    return items.map((t) => {
        if (typeof t === 'number' || t instanceof Float32Array) return t as unknown as Out;
        const at = next++;
        const row = values!.subarray(at * width, (at + 1) * width);
        return (t.rank === 0 ? row[0] : row) as Out;
    });
}
