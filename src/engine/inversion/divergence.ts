/**
 * Divergence: where NaN or Inf first appeared. Once it has, it spreads through the gradients
 * into every parameter within a step, so looking at the state afterwards says nothing about
 * the cause. Each step therefore leaves a small probe on the backend (no read-back): the sum
 * of the raw outputs, and per column the sums of the features and of the oracle's outputs.
 * A sum is finite exactly when its terms are (short of overflow). The run loop reads the
 * probes of the last steps at its next check, and the first non-finite entry names the
 * stage: the generator's raw output, one feature's transform (its constraint), or the oracle.
 */
import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs';

import type { FreeColumn } from './feature-transform.js';
import type { ProgramState } from './inversion-program.js';
import { tf } from '../backend/tf.js';

/** The probe of one forward pass, [1 + free + outputs]: raw outputs u, free features x, oracle outputs y. */
export function healthProbe(u: Tensor2D, x: Tensor2D, y: Tensor2D): Tensor1D {
    return tf.tidy(() => tf.concat([tf.reshape(tf.sum(u), [1]), tf.sum(x, 0), tf.sum(y, 0)]) as Tensor1D);
}

/** The cause a probe names, in words a user can act on; null when it is all finite. */
export function describeHealth(probe: ArrayLike<number>, step: number, free: FreeColumn[], outputs: string[]): string | null {
    const bad = Array.prototype.findIndex.call(probe, (v: number) => !Number.isFinite(v));
    if (bad < 0) return null;
    const kind = Number.isNaN(probe[bad]) ? 'NaN' : 'Inf';
    if (bad === 0) return `the generator's output became ${kind} at step ${step} (lower learningRate)`;
    if (bad <= free.length) {
        const f = free[bad - 1];
        const source = f.constraint ? `constraint \`${f.constraint.name}\`` : `the transform of ${f.feature.name}`;
        return `${source} produced ${kind} at step ${step} (feature ${f.feature.name})`;
    }
    return `the oracle produced ${kind} for ${outputs[bad - 1 - free.length]} at step ${step}`;
}

/**
 * The cause a non-finite state shows, read at a check (where no step's probe has caught it
 * yet, e.g. at step 0: a constraint that is NaN where the generator starts): the first
 * stage whose values are not all finite, named as describeHealth names it.
 */
export function describeState(state: ProgramState, step: number, free: FreeColumn[], outputs: string[]): string | null {
    const k = free.length;
    const m = outputs.length;
    const probe = new Float64Array(1 + k + m);
    for (let i = 0; i < state.solutions; i++) {
        for (let j = 0; j < k; j++) {
            probe[0] += state.raw[i * k + j];
            probe[1 + j] += state.features[i * k + j];
        }
        for (let o = 0; o < m; o++) probe[1 + k + o] += state.outputs[i * m + o];
    }
    return describeHealth(probe, step, free, outputs);
}
