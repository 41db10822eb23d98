/**
 * Divergence: where NaN or Inf first appeared. Once it has, it spreads through the gradients
 * into every parameter within a step, so looking at the state afterwards says nothing about
 * the cause. Each step therefore computes a small health code on the backend (no read-back),
 * the run loop reads the codes of the last steps at its next check, and the first bad one
 * names the stage: the generator's raw output, one feature's transform (its constraint), or
 * the oracle.
 */
import type { Scalar, Tensor2D } from '@tensorflow/tfjs';

import type { FreeColumn } from './feature-transform.js';
import { tf } from './tf.js';

// Codes: 0 finite; RAW + nan; FEATURE + 2 * column + nan; OUTPUT + 2 * output + nan
// (nan = 1 when a NaN is among the non-finite values, else they are all +-Inf).
const RAW = 10;
const FEATURE = 1000;
const OUTPUT = 100_000;

/** The health code of one forward pass: raw outputs u, free features x, oracle outputs y. */
export function healthCode(u: Tensor2D, x: Tensor2D, y: Tensor2D): Scalar {
    return tf.tidy(() => {
        const stage = (t: Tensor2D, base: number, perColumn: boolean) => {
            const bad = tf.logicalNot(tf.isFinite(t));
            const anyBad = tf.any(bad);
            const nan = tf.any(tf.isNaN(t)).toInt();
            const column = perColumn ? tf.mul(tf.argMax(tf.any(bad, 0).toInt()), 2) : tf.scalar(0, 'int32');
            return { anyBad, code: tf.add(tf.add(column, nan), base) };
        };
        const raw = stage(u, RAW, false);
        const feature = stage(x, FEATURE, true);
        const output = stage(y, OUTPUT, true);
        const none = tf.scalar(0, 'int32');
        return tf.where(raw.anyBad, raw.code, tf.where(feature.anyBad, feature.code, tf.where(output.anyBad, output.code, none))) as Scalar;
    });
}

/** The cause a health code names, in words a user can act on; null for 0 (finite). */
export function describeHealth(code: number, step: number, free: FreeColumn[], outputs: string[]): string | null {
    if (code === 0) return null;
    const kind = code % 2 === 1 ? 'NaN' : 'Inf';
    if (code >= OUTPUT) return `the oracle produced ${kind} for ${outputs[Math.floor((code - OUTPUT) / 2)]} at step ${step}`;
    if (code >= FEATURE) {
        const f = free[Math.floor((code - FEATURE) / 2)];
        const source = f.constraint ? `constraint \`${f.constraint.name}\`` : `the transform of ${f.feature.name}`;
        return `${source} produced ${kind} at step ${step} (feature ${f.feature.name})`;
    }
    return `the generator's output became ${kind} at step ${step} (lower learningRate)`;
}
